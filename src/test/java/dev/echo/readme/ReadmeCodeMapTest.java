package dev.echo.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's code map matches the tree: it names every main package (library and showcase)
 * and no other, and each "read first" class exists in the package of its row.
 */
class ReadmeCodeMapTest {

    private static final List<Path> MAIN_ROOTS = List.of(Path.of("src/main/java"), Path.of("it-tests/src/main/java"));
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static List<String> rows() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Code map");
        assertTrue(start >= 0, "README has a '## Code map' section");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 3));
        return section.lines().filter(l -> l.startsWith("| `dev.echo")).toList();
    }

    private static Set<String> packagesInTree() throws Exception {
        Set<String> packages = new TreeSet<>();
        for (Path root : MAIN_ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                        .forEach(f -> packages.add(root.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.')));
            }
        }
        return packages;
    }

    @Test
    void theCodeMapNamesEveryPackageAndNoOther() throws Exception {
        Set<String> mapped = new TreeSet<>();
        for (String row : rows()) {
            Matcher m = CODE.matcher(row.split("\\|")[1]);
            while (m.find()) {
                mapped.add(m.group(1));
            }
        }
        assertEquals(packagesInTree(), mapped);
    }

    @Test
    void eachReadFirstClassExistsInItsPackage() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String row : rows()) {
            String[] cells = row.split("\\|");
            List<String> packages = new ArrayList<>();
            Matcher p = CODE.matcher(cells[1]);
            while (p.find()) {
                packages.add(p.group(1));
            }
            Matcher c = CODE.matcher(cells[3]);
            assertTrue(c.find(), "no read-first class in: " + row);
            c.reset();
            while (c.find()) {
                String type = c.group(1);
                boolean found = packages.stream().anyMatch(pkg -> MAIN_ROOTS.stream()
                        .anyMatch(root -> Files.isRegularFile(root.resolve(pkg.replace('.', '/')).resolve(type + ".java"))));
                if (!found) {
                    missing.add(type + " in " + packages);
                }
            }
        }
        assertEquals(List.of(), missing);
    }
}
