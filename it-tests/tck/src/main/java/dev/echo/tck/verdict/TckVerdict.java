package dev.echo.tck.verdict;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Compares the TCK's Echo run with its control run (Liberty's own default executor, the same
 * rewritten TCK classes, the same server) from their JUnit-format XML reports, writes the table,
 * and fails the build when Echo fails, errs or skips a test that the control passes, when a run
 * is missing a test the other ran, or when a run ran nothing.
 *
 * <p>Usage: {@code TckVerdict <echo reports dir> <control reports dir> <table.md>}.
 */
public final class TckVerdict {

    private static final Logger LOG = Logger.getLogger(TckVerdict.class.getName());

    /** One test's outcome in one run; {@code detail} is the first line of its failure, if any. */
    public record Outcome(Status status, String detail) {
    }

    /** Ordered from best to worst. */
    public enum Status { PASS, SKIP, FAIL }

    /** The two runs side by side, and what is wrong with Echo's, if anything. */
    public record Verdict(String table, List<String> problems) {
    }

    private TckVerdict() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: TckVerdict <echo reports> <control reports> <table.md>, got " + args.length + " arguments");
        }
        Verdict verdict = compare(read(Path.of(args[0])), read(Path.of(args[1])));
        Files.writeString(Path.of(args[2]), verdict.table());
        LOG.info(() -> "TCK table written to " + args[2] + "\n" + verdict.table());
        if (!verdict.problems().isEmpty()) {
            throw new IllegalStateException("Echo fails the TCK where Liberty's own executor passes:\n  "
                    + String.join("\n  ", verdict.problems()));
        }
    }

    /** Reads every {@code TEST-*.xml} of a directory: test ("class#method") to outcome. */
    public static Map<String, Outcome> read(Path reports) throws Exception {
        if (!Files.isDirectory(reports)) {
            throw new IllegalStateException("no TCK reports at " + reports + ": did the run start?");
        }
        Map<String, Outcome> outcomes = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(reports)) {
            files = s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).toList();
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        for (Path file : files) {
            NodeList cases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                String test = c.getAttribute("classname") + "#" + c.getAttribute("name");
                Outcome outcome = outcomeOf(c);
                // a method run more than once (a retried configuration) counts by its worst outcome
                outcomes.merge(test, outcome, (a, b) -> a.status().compareTo(b.status()) >= 0 ? a : b);
            }
        }
        return outcomes;
    }

    private static Outcome outcomeOf(Element c) {
        for (String tag : new String[] {"failure", "error"}) {
            NodeList n = c.getElementsByTagName(tag);
            if (n.getLength() > 0) {
                Element e = (Element) n.item(0);
                String message = e.getAttribute("message");
                if (message.isBlank()) {
                    message = e.getAttribute("type");
                }
                return new Outcome(Status.FAIL, firstLine(message));
            }
        }
        if (c.getElementsByTagName("skipped").getLength() > 0) {
            return new Outcome(Status.SKIP, "skipped");
        }
        return new Outcome(Status.PASS, "");
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    /** The table (one row per TCK suite, then every test that is not a pass in both) and the problems. */
    public static Verdict compare(Map<String, Outcome> echo, Map<String, Outcome> control) {
        List<String> problems = new ArrayList<>();
        if (echo.isEmpty()) {
            problems.add("the Echo run ran no test");
        }
        if (control.isEmpty()) {
            problems.add("the control run ran no test");
        }
        TreeSet<String> all = new TreeSet<>(echo.keySet());
        all.addAll(control.keySet());
        Map<String, int[]> suites = new TreeMap<>(); // tests, echo pass, liberty pass, both fail, echo only, liberty only
        StringBuilder details = new StringBuilder();
        for (String test : all) {
            Outcome e = echo.get(test);
            Outcome l = control.get(test);
            if (e == null || l == null) {
                problems.add(test + " ran only in the " + (e == null ? "control" : "Echo") + " run");
                continue;
            }
            int[] row = suites.computeIfAbsent(suite(test), k -> new int[6]);
            row[0]++;
            boolean ePass = e.status() == Status.PASS;
            boolean lPass = l.status() == Status.PASS;
            row[1] += ePass ? 1 : 0;
            row[2] += lPass ? 1 : 0;
            if (!ePass && !lPass) {
                row[3]++;
            } else if (!ePass) {
                row[4]++;
                problems.add(test + ": Echo " + e.status() + " (" + e.detail() + "), Liberty PASS");
            } else if (!lPass) {
                row[5]++;
            }
            if (!ePass || !lPass) {
                details.append("| ").append(shortName(test)).append(" | ").append(cell(e)).append(" | ").append(cell(l)).append(" |\n");
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("| TCK suite | tests | Echo passes | Liberty passes | both fail | Echo only fails | Liberty only fails |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|\n");
        int[] total = new int[6];
        suites.forEach((suite, row) -> {
            table.append("| ").append(suite);
            for (int i = 0; i < row.length; i++) {
                table.append(" | ").append(row[i]);
                total[i] += row[i];
            }
            table.append(" |\n");
        });
        table.append("| **all**");
        for (int t : total) {
            table.append(" | **").append(t).append("**");
        }
        table.append(" |\n");
        if (details.length() > 0) {
            table.append("\n| test not passed by both | Echo | Liberty |\n|---|---|---|\n").append(details);
        }
        return new Verdict(table.toString(), problems);
    }

    private static String cell(Outcome o) {
        return o.status() == Status.PASS ? "pass" : o.status() + ": " + o.detail().replace("|", "\\|");
    }

    /** {@code ee.jakarta.tck.concurrent.api.Trigger.TriggerTests#m} is suite {@code api.Trigger}. */
    static String suite(String test) {
        String cls = test.substring(0, test.indexOf('#'));
        String pkg = cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')) : cls;
        return pkg.replaceFirst("^ee\\.jakarta\\.tck\\.concurrent\\.", "");
    }

    private static String shortName(String test) {
        String cls = test.substring(0, test.indexOf('#'));
        return suite(test) + "." + cls.substring(cls.lastIndexOf('.') + 1) + test.substring(test.indexOf('#'));
    }

}
