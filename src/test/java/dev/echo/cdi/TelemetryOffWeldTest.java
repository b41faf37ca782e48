package dev.echo.cdi;

import dev.echo.cdi.observe.OpenTelemetryTaskTracing;
import dev.echo.cdi.observe.TaskTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** With telemetry off (a no-op OpenTelemetry bean, as mpTelemetry gives by default), tasks are not wrapped and get no span. */
@EnableWeld
class TelemetryOffWeldTest {

    @ApplicationScoped
    public static class NoopTelemetry {
        @Produces
        OpenTelemetry openTelemetry() {
            return OpenTelemetry.noop();
        }
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(new Weld().disableDiscovery()
            .addExtension(new EchoExtension())
            .addBeanClass(EchoBeans.class)
            .addBeanClass(NoopTelemetry.class)).build();

    @Inject
    EchoBeans beans;

    @Inject
    EchoRuntime runtime;

    @Test
    void aDisabledOpenTelemetryMeansNoTracing() throws Exception {
        assertSame(TaskTracing.NONE, runtime.tracing());
        assertFalse(beans.high.submit(() -> Span.current().getSpanContext().isValid()).get(10, TimeUnit.SECONDS));
        assertFalse(OpenTelemetryTaskTracing.enabled(OpenTelemetry.noop()));
    }
}
