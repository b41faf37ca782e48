package dev.echo;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN.md §1: the SE core never touches EE/MicroProfile APIs, and the layers stay apart. */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.echo");
    }

    @Test
    void theCoreImportsNoJakartaOrMicroProfileApi() {
        ArchRule rule = noClasses()
                .that().resideInAnyPackage("dev.echo.queue..", "dev.echo.task..", "dev.echo.scheduler..",
                        "dev.echo.metrics..", "dev.echo.action..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.enterprise..",
                        "javax.ejb..", "org.eclipse.microprofile..", "io.opentelemetry..")
                .allowEmptyShould(false);
        rule.check(main);
    }

    @Test
    void theQueueKnowsNothingOfTasksOrTheScheduler() {
        noClasses().that().resideInAPackage("dev.echo.queue..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.echo.task..", "dev.echo.scheduler..",
                        "dev.echo.metrics..", "dev.echo.cdi..")
                .check(main);
    }

    @Test
    void tasksAndMetricsDoNotDependOnTheScheduler() {
        noClasses().that().resideInAnyPackage("dev.echo.task..", "dev.echo.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.echo.scheduler..", "dev.echo.cdi..")
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
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> noClasses()
                .that().resideInAPackage("dev.echo..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..")
                .check(offender));
    }

    static class FakeCoreClass {
        jakarta.FakeEeApi api = new jakarta.FakeEeApi();
    }
}
