package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import dev.echo.testing.Await;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty with mpTelemetry on for this application (an in-memory exporter): each task has an
 * echo.task span, child of the request's span, current while the task runs, with its priority
 * and wait time as attributes.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TelemetryIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.withConfig("telemetry", """
                        otel.sdk.disabled=false
                        otel.traces.exporter=echo-memory
                        otel.metrics.exporter=none
                        otel.logs.exporter=none
                        otel.bsp.schedule.delay=50
                        """, TracedResource.class, MemorySpanExporter.class, MemorySpanExporterProvider.class, Http.class)
                .addAsServiceProvider(ConfigurableSpanExporterProvider.class, MemorySpanExporterProvider.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void aTaskSpanIsTheChildOfTheRequestSpanWithPriorityAndWait() throws Exception {
        JsonObject ids = Http.ok("GET", base + "api/traced");
        String taskSpanId = ids.getString("taskSpanId");
        assertEquals(ids.getString("requestTraceId"), ids.getString("taskTraceId"), ids.toString());
        assertNotEquals(ids.getString("requestSpanId"), taskSpanId, "the task runs in its own span: " + ids);
        assertNotEquals("0000000000000000", ids.getString("requestSpanId"), "telemetry is on: the request has a span");

        JsonObject span = Await.value(() -> find((JsonArray) Http.json(Http.send("GET", base + "api/traced/spans")), taskSpanId),
                s -> s != null, Duration.ofSeconds(20), "the task's span exported");
        assertEquals("echo.task", span.getString("name"));
        assertEquals(ids.getString("requestSpanId"), span.getString("parentSpanId"), span.toString());
        assertEquals(ids.getString("requestTraceId"), span.getString("traceId"));
        assertEquals("HIGH", span.getString("attr.echo.task.priority"));
        assertTrue(Double.parseDouble(span.getString("attr.echo.task.wait_ms")) >= 0, span.toString());
        assertTrue(Long.parseLong(span.getString("startNanos")) <= Long.parseLong(span.getString("event.started")),
                "the span starts at submission, before the task started: " + span);
        assertEquals("UNSET", span.getString("status"));
    }

    private static JsonObject find(JsonArray spans, String spanId) {
        return spans.stream().map(JsonValue::asJsonObject).filter(s -> s.getString("spanId").equals(spanId)).findFirst().orElse(null);
    }
}
