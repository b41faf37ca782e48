package dev.echo.cdi;

import dev.echo.testing.Blocker;
import dev.echo.cdi.observe.OpenTelemetryTaskTracing;
import dev.echo.task.Priority;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** One span per task, parented to the submitter's span, with priority and wait time (CDI SE with an OpenTelemetry SDK). */
@EnableWeld
class TelemetryWeldTest {

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(new Weld().disableDiscovery()
            .addExtension(new EchoExtension())
            .addBeanClass(EchoBeans.class)
            .addBeanClass(TelemetryBeans.class)).build();

    @Inject
    EchoBeans beans;

    @Inject
    TelemetryBeans telemetry;

    @Inject
    EchoRuntime runtime;

    private SpanData onlyTaskSpan() {
        List<SpanData> tasks = telemetry.exporter().getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(OpenTelemetryTaskTracing.SPAN_NAME)).toList();
        assertEquals(1, tasks.size(), () -> "one task span, got " + telemetry.exporter().getFinishedSpanItems());
        return tasks.get(0);
    }

    @Test
    void aTaskSpanIsAChildOfTheSubmittersSpanAndCurrentWhileTheTaskRuns() throws Exception {
        var tracer = weld.select(TelemetryBeans.class).get().openTelemetry().getTracer("test");
        Span request = tracer.spanBuilder("request").startSpan();
        Future<SpanContext> seen;
        try (Scope ignored = request.makeCurrent()) {
            seen = beans.high.submit(() -> Span.current().getSpanContext());
        }
        SpanContext inTask = seen.get(10, TimeUnit.SECONDS);
        request.end();
        dev.echo.testing.Await.until(() -> telemetry.exporter().getFinishedSpanItems().size() == 2, java.time.Duration.ofSeconds(10),
                () -> "spans: " + telemetry.exporter().getFinishedSpanItems());
        SpanData task = onlyTaskSpan();
        assertEquals(request.getSpanContext().getTraceId(), task.getTraceId());
        assertEquals(request.getSpanContext().getSpanId(), task.getParentSpanId());
        assertEquals(task.getSpanId(), inTask.getSpanId(), "the task's span is current while it runs");
        assertEquals("HIGH", task.getAttributes().get(AttributeKey.stringKey(OpenTelemetryTaskTracing.PRIORITY_KEY)));
        assertNotNull(task.getAttributes().get(AttributeKey.doubleKey(OpenTelemetryTaskTracing.WAIT_KEY)));
        assertEquals("started", task.getEvents().get(0).getName());
        assertTrue(task.getStartEpochNanos() <= task.getEvents().get(0).getEpochNanos(), "the span starts at submission");
        assertEquals(StatusCode.UNSET, task.getStatus().getStatusCode());
    }

    @Test
    void theWaitAttributeIsTheTimeTheTaskSpentQueued() throws Exception {
        int workers = runtime.metrics().workers();
        List<Blocker> blockers = new ArrayList<>();
        List<Future<?>> held = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Blocker blocker = new Blocker();
            blockers.add(blocker);
            held.add(beans.lowScheduled.submit(blocker));
        }
        for (Blocker blocker : blockers) {
            blocker.awaitStarted();
        }
        long queuedAt = System.nanoTime();
        // NORMAL: a HIGH task would start at once on the urgent thread while every worker is held
        Future<?> waiting = beans.executor.submit(() -> { });
        // time passing is what is measured here: every worker is held, so the task waits at least 30 ms
        while (System.nanoTime() - queuedAt < TimeUnit.MILLISECONDS.toNanos(30)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        blockers.forEach(Blocker::release);
        waiting.get(10, TimeUnit.SECONDS);
        for (Future<?> f : held) {
            f.get(10, TimeUnit.SECONDS);
        }
        dev.echo.testing.Await.until(() -> telemetry.exporter().getFinishedSpanItems().size() == workers + 1,
                java.time.Duration.ofSeconds(10), () -> "spans: " + telemetry.exporter().getFinishedSpanItems());
        SpanData queued = telemetry.exporter().getFinishedSpanItems().stream()
                .filter(s -> "NORMAL".equals(s.getAttributes().get(AttributeKey.stringKey(OpenTelemetryTaskTracing.PRIORITY_KEY))))
                .findFirst().orElseThrow();
        double waitMs = queued.getAttributes().get(AttributeKey.doubleKey(OpenTelemetryTaskTracing.WAIT_KEY));
        assertTrue(waitMs >= 30, "waited at least the 30 ms every worker was held, reported " + waitMs);
        assertFalse(queued.getParentSpanContext().isValid(), "submitted outside any span: a root span");
    }

    @Test
    void anEchoAsyncCallIsTracedLikeATask() throws Exception {
        assertTrue(beans.where().get(10, TimeUnit.SECONDS).endsWith("@HIGH"));
        dev.echo.testing.Await.until(() -> telemetry.exporter().getFinishedSpanItems().size() == 1, java.time.Duration.ofSeconds(10),
                () -> "spans: " + telemetry.exporter().getFinishedSpanItems());
        SpanData call = onlyTaskSpan();
        assertEquals("HIGH", call.getAttributes().get(AttributeKey.stringKey(OpenTelemetryTaskTracing.PRIORITY_KEY)));
        assertEquals(EchoBeans.class.getName() + "#where", call.getAttributes().get(AttributeKey.stringKey(OpenTelemetryTaskTracing.NAME_KEY)));
    }

    @Test
    void aFailingTaskMarksItsSpanAsAnError() throws Exception {
        Future<?> f = beans.executor.submit(() -> {
            throw new IllegalStateException("boom");
        });
        assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        dev.echo.testing.Await.until(() -> telemetry.exporter().getFinishedSpanItems().size() == 1, java.time.Duration.ofSeconds(10),
                () -> "spans: " + telemetry.exporter().getFinishedSpanItems());
        SpanData task = onlyTaskSpan();
        assertEquals(StatusCode.ERROR, task.getStatus().getStatusCode());
        assertTrue(task.getEvents().stream().anyMatch(e -> e.getName().equals("exception")));
        assertEquals("NORMAL", task.getAttributes().get(AttributeKey.stringKey(OpenTelemetryTaskTracing.PRIORITY_KEY)));
    }
}
