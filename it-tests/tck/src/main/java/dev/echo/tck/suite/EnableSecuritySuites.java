package dev.echo.tck.suite;

import org.testng.IAnnotationTransformer;
import org.testng.annotations.ITestAnnotation;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Set;

/**
 * TCK 3.0.2 ships its executors' security suites switched off ({@code @Test(enabled = false)} on
 * every method); they are the TCK's only tests of a task seeing its submitter's identity through
 * the default executors. This TestNG listener (named in tck-suite.xml) switches those and only
 * those back on, in both runs, so that the verdict compares Echo and Liberty on them too.
 */
public class EnableSecuritySuites implements IAnnotationTransformer {

    static final Set<String> SUITES = Set.of(
            "ee.jakarta.tck.concurrent.spec.ManagedExecutorService.security.SecurityWebTests",
            "ee.jakarta.tck.concurrent.spec.ManagedScheduledExecutorService.security.SecurityWebTests",
            "ee.jakarta.tck.concurrent.spec.ManagedExecutorService.security.SecurityTests",
            "ee.jakarta.tck.concurrent.spec.ManagedScheduledExecutorService.security.SecurityTests");

    @Override
    @SuppressWarnings("rawtypes")
    public void transform(ITestAnnotation annotation, Class testClass, Constructor testConstructor, Method testMethod) {
        if (testMethod != null && SUITES.contains(testMethod.getDeclaringClass().getName())) {
            annotation.setEnabled(true);
        }
    }
}
