package dev.echo.cdi;

import dev.echo.cdi.observe.ExecutorHealth;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.util.concurrent.TimeUnit;

/**
 * Runs inside {@link OptionalFeaturesTest}'s class loader, where the MicroProfile Metrics and
 * Health APIs and OpenTelemetry do not exist: Echo must deploy and serve anyway.
 */
public final class WithoutOptionalFeatures {

    private WithoutOptionalFeatures() {
    }

    /** Starts CDI with Echo, runs a task, reads health; returns what it saw. */
    public static String run() throws Exception {
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new EchoExtension())
                .addBeanClass(EchoBeans.class).initialize()) {
            ManagedExecutorService executor = container.select(EchoBeans.class).get().executor;
            String ran = executor.submit(() -> "ran on " + Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            ExecutorHealth health = container.select(EchoRuntime.class).get().health();
            return ran + "; ready=" + health.ready() + "; metrics=" + container.select(EchoRuntime.class).get().metrics().completed();
        }
    }
}
