package dev.echo.cdi;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The metrics, health and telemetry glue is optional: with those APIs absent from the class
 * path (a server without mpMetrics, mpHealth, mpTelemetry), Echo still deploys and runs tasks.
 */
class OptionalFeaturesTest {

    private static final List<String> ABSENT = List.of("microprofile-metrics-api", "microprofile-health-api", "opentelemetry");

    @Test
    void echoDeploysAndRunsWithoutMetricsHealthOrTelemetryApis() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        java.util.Set<String> hidden = new java.util.HashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            List<String> matches = ABSENT.stream().filter(entry::contains).toList();
            if (matches.isEmpty()) {
                urls.add(new File(entry).toURI().toURL());
            }
            hidden.addAll(matches);
        }
        assertEquals(new java.util.HashSet<>(ABSENT), hidden, "each API to hide is on the test class path");
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("org.eclipse.microprofile.metrics.MetricRegistry"));
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("org.eclipse.microprofile.health.HealthCheck"));
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("io.opentelemetry.api.OpenTelemetry"));
            Thread.currentThread().setContextClassLoader(isolated);
            Object seen = isolated.loadClass(WithoutOptionalFeatures.class.getName()).getMethod("run").invoke(null);
            assertTrue(seen.toString().matches("ran on echo-worker-\\d+; ready=true; metrics=\\d+"), seen.toString());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
