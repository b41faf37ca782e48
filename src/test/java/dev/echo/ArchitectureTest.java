package dev.echo;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md §1 as rules: the SE core never touches EE/MicroProfile APIs, and the packages form
 * layers — each may use the ones below it, never one above. Each rule is also shown failing on
 * an offender, so none passes vacuously.
 */
class ArchitectureTest {

    private static final String[] SE_CORE = {"dev.echo.queue..", "dev.echo.task..", "dev.echo.scheduler..", "dev.echo.metrics.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.echo");
    }

    /**
     * The layers, top to bottom. The root package {@code dev.echo.cdi} is two layers: its
     * annotations are the application's vocabulary, which every EE package may read; the rest
     * of it (the extension, {@code EchoRuntime}) wires the subpackages together, and nothing
     * uses it.
     */
    static Architectures.LayeredArchitecture layers() {
        return Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("EE wiring").definedBy(rootClasses(false))
                .layer("EE actions").definedBy("dev.echo.cdi.action..")
                .layer("EE executor").definedBy("dev.echo.cdi.executor..")
                .layer("EE observability").definedBy("dev.echo.cdi.observe..")
                .layer("EE config").definedBy("dev.echo.cdi.config..")
                .layer("EE annotations").definedBy(rootClasses(true))
                .layer("SE actions").definedBy("dev.echo.action..")
                .layer("SE scheduler").definedBy("dev.echo.scheduler..")
                .layer("SE metrics").definedBy("dev.echo.metrics..")
                .layer("SE tasks").definedBy("dev.echo.task..")
                .layer("SE queue").definedBy("dev.echo.queue..")
                .whereLayer("EE wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("EE actions").mayOnlyBeAccessedByLayers("EE wiring")
                .whereLayer("EE executor").mayOnlyBeAccessedByLayers("EE wiring", "EE actions")
                .whereLayer("EE observability").mayOnlyBeAccessedByLayers("EE wiring", "EE actions", "EE executor")
                .whereLayer("EE config").mayOnlyBeAccessedByLayers("EE wiring", "EE actions", "EE executor",
                        "EE observability")
                .whereLayer("EE annotations").mayOnlyBeAccessedByLayers("EE wiring", "EE actions", "EE executor")
                .whereLayer("SE actions").mayOnlyBeAccessedByLayers("EE wiring", "EE actions")
                .whereLayer("SE scheduler").mayOnlyBeAccessedByLayers("EE wiring", "EE actions", "EE executor",
                        "EE observability", "EE config", "SE actions")
                .whereLayer("SE metrics").mayOnlyBeAccessedByLayers("EE wiring", "EE actions", "EE executor",
                        "EE observability", "EE config", "SE actions", "SE scheduler")
                .whereLayer("SE queue").mayOnlyBeAccessedByLayers("SE scheduler");
    }

    /** Classes of the root package {@code dev.echo.cdi}: its annotation types (with their nested literals), or the rest. */
    private static DescribedPredicate<JavaClass> rootClasses(boolean annotations) {
        return DescribedPredicate.describe(annotations ? "annotations of dev.echo.cdi" : "wiring classes of dev.echo.cdi",
                c -> c.getPackageName().equals("dev.echo.cdi") && isAnnotationOrInside(c) == annotations);
    }

    private static boolean isAnnotationOrInside(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (k.isAnnotation()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void thePackagesFormLayers() {
        layers().check(main);
    }

    @Test
    void noPackageCyclesOutsideTheRoot() {
        slices().matching("dev.echo.(*)..").should().beFreeOfCycles().check(main);
        slices().matching("dev.echo.cdi.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theCoreImportsNoJakartaOrMicroProfileApi() {
        ArchRule rule = noClasses()
                .that().resideInAnyPackage(SE_CORE)
                .or().resideInAPackage("dev.echo.action..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.enterprise..",
                        "javax.ejb..", "org.eclipse.microprofile..", "io.opentelemetry..")
                .allowEmptyShould(false);
        rule.check(main);
    }

    /**
     * The Jakarta Messaging transport is one room (docs/actions-messaging.md): only
     * {@code dev.echo.cdi.action.jms} names {@code jakarta.jms} types, and only the action system
     * uses it. A server without Jakarta Messaging then never links a messaging type.
     */
    @Test
    void onlyTheJmsTransportNamesJakartaMessagingAndOnlyTheActionSystemUsesIt() {
        noClasses().that().resideOutsideOfPackage("dev.echo.cdi.action.jms..")
                .should().dependOnClassesThat().resideInAPackage("jakarta.jms..")
                .check(main);
        noClasses().that().resideOutsideOfPackage("dev.echo.cdi.action..")
                .should().dependOnClassesThat().resideInAPackage("dev.echo.cdi.action.jms..")
                .check(main);
        assertTrue(main.stream().anyMatch(c -> c.getPackageName().equals("dev.echo.cdi.action.jms")
                && c.getDirectDependenciesFromSelf().stream().anyMatch(d -> d.getTargetClass().getPackageName().startsWith("jakarta.jms"))),
                "the transport does use Jakarta Messaging: the rule is not vacuous");
    }

    @Test
    void nothingDependsOnTheShowcase() {
        noClasses().that().resideOutsideOfPackage("dev.echo.showcase..")
                .should().dependOnClassesThat().resideInAPackage("dev.echo.showcase..")
                .allowEmptyShould(false)
                .check(main);
    }

    @Test
    void libraryCodeDoesNotPrintToTheConsole() {
        noClasses().should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(main);
    }

    @Test
    void theRuleReallyCatchesAnEeImport() {
        // Guard against a rule that passes vacuously: the same rule applied to a test class that
        // does depend on a jakarta-like package must fail.
        JavaClasses offender = new ClassFileImporter().importClasses(FakeCoreClass.class, jakarta.FakeEeApi.class);
        assertThrows(AssertionError.class, () -> noClasses()
                .that().resideInAPackage("dev.echo..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..")
                .check(offender));
    }

    @Test
    void theLayersReallyCatchAnUpwardDependency() {
        // A config class that uses the executor, and an executor class that uses the wiring: each,
        // added to the real classes, breaks the layers on its own.
        for (Class<?> offender : List.of(dev.echo.cdi.config.UsesTheExecutor.class, dev.echo.cdi.executor.UsesTheWiring.class)) {
            JavaClasses withOffender = new ClassFileImporter()
                    .withImportOption(location -> !location.contains("/test-classes/")
                            || location.contains("/" + offender.getName().replace('.', '/') + ".class"))
                    .importPackages("dev.echo");
            assertTrue(withOffender.contain(offender), offender::getName);
            AssertionError e = assertThrows(AssertionError.class, () -> layers().check(withOffender), offender::getName);
            assertTrue(e.getMessage().contains(offender.getName()), e.getMessage());
        }
    }

    @Test
    void noMainPackageHoldsMoreThanFifteenClassesAndEachSaysWhatItIs() throws Exception {
        Map<String, Integer> classes = new TreeMap<>();
        List<String> withoutInfo = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("it-tests/src/main/java"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.walk(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    long n;
                    try (Stream<Path> files = Files.list(dir)) {
                        n = files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).count();
                    }
                    if (n > 0) {
                        String pkg = root.relativize(dir).toString().replace(File.separatorChar, '.');
                        classes.put(pkg, (int) n);
                        if (!Files.exists(dir.resolve("package-info.java"))) {
                            withoutInfo.add(pkg);
                        }
                    }
                }
            }
        }
        assertTrue(classes.containsKey("dev.echo.cdi.executor"), classes::toString);
        assertEquals(List.of(), withoutInfo, "packages without package-info.java");
        Map<String, Integer> tooLarge = new TreeMap<>(classes);
        tooLarge.values().removeIf(n -> n <= 15);
        assertEquals(Map.of(), tooLarge, "packages with more than 15 classes");
    }

    static class FakeCoreClass {
        jakarta.FakeEeApi api = new jakarta.FakeEeApi();
    }
}
