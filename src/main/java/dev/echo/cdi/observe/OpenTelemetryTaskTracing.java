package dev.echo.cdi.observe;

import dev.echo.task.Priority;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.inject.spi.CDI;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.logging.Logger;

/**
 * One span per task, {@value #SPAN_NAME}, from submission to the end of the body: it starts at
 * the submit instant, is a child of the span current on the submitting thread, and is current
 * while the body runs (so the task's own spans nest under it). Attributes:
 * {@value #PRIORITY_KEY}, {@value #WAIT_KEY} (queue wait in milliseconds, set at start),
 * {@value #NAME_KEY}; an event {@code started} marks the start; a body that throws sets status
 * ERROR and records the exception. A task cancelled before it started has no span. With
 * telemetry off ({@code otel.sdk.disabled}, Liberty's default) tasks are not wrapped at all.
 */
public final class OpenTelemetryTaskTracing implements TaskTracing {

    public static final String SPAN_NAME = "echo.task";
    public static final String PRIORITY_KEY = "echo.task.priority";
    public static final String WAIT_KEY = "echo.task.wait_ms";
    public static final String NAME_KEY = "echo.task.name";
    private static final AttributeKey<String> PRIORITY = AttributeKey.stringKey(PRIORITY_KEY);
    private static final AttributeKey<Double> WAIT = AttributeKey.doubleKey(WAIT_KEY);
    private static final AttributeKey<String> NAME = AttributeKey.stringKey(NAME_KEY);

    private final Tracer tracer;

    OpenTelemetryTaskTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.echo", "0.1.0");
    }

    static TaskTracing lookup() {
        var holder = CDI.current().select(OpenTelemetryHolder.class);
        OpenTelemetry otel = holder.isResolvable() ? holder.get().openTelemetry() : null;
        if (otel == null) {
            return NONE;
        }
        Logger log = Logger.getLogger(OpenTelemetryTaskTracing.class.getName());
        if (!enabled(otel)) {
            log.info("Echo: OpenTelemetry is disabled for this application (otel.sdk.disabled): tasks are not traced");
            return NONE;
        }
        log.info("Echo: tasks traced with OpenTelemetry, one echo.task span each");
        return new OpenTelemetryTaskTracing(otel);
    }

    /**
     * Whether {@code otel} makes real spans. A no-op tracer (telemetry off) hands out spans with
     * an invalid context; an SDK's are valid even when its sampler drops them. The probe span is
     * never ended, so an SDK never exports it.
     */
    public static boolean enabled(OpenTelemetry otel) {
        return otel.getTracer("dev.echo").spanBuilder("echo.probe").startSpan().getSpanContext().isValid();
    }

    @Override
    public <T> Callable<T> wrap(Callable<T> work, Priority priority, String name, long delayNanos) {
        Context parent = Context.current();
        Instant submitted = Instant.now();
        long dueAt = System.nanoTime() + delayNanos;
        return () -> {
            long waitNanos = Math.max(0, System.nanoTime() - dueAt);
            Span span = tracer.spanBuilder(SPAN_NAME)
                    .setParent(parent)
                    .setSpanKind(SpanKind.INTERNAL)
                    .setStartTimestamp(submitted)
                    .setAttribute(PRIORITY, priority.name())
                    .setAttribute(NAME, name)
                    .setAttribute(WAIT, waitNanos / 1e6)
                    .startSpan();
            span.addEvent("started");
            try (Scope ignored = span.makeCurrent()) {
                return work.call();
            } catch (Throwable t) {
                span.recordException(t);
                span.setStatus(StatusCode.ERROR, t.toString());
                throw t;
            } finally {
                span.end();
            }
        };
    }
}
