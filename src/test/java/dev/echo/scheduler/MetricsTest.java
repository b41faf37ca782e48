package dev.echo.scheduler;

import dev.echo.metrics.SchedulerMetrics;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {

    @Test
    void countersFollowWhatHappened() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).queueCapacity(10).name("m").build();
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        s.execute(() -> { }, Priority.HIGH);
        s.execute(() -> { }, Priority.HIGH);
        s.execute(() -> {
            throw new IllegalStateException("x");
        }, Priority.LOW);
        CompletableFuture<Void> cancelled = s.submit(() -> { }, Priority.NORMAL);
        cancelled.cancel(false);
        SchedulerMetrics queued = s.metrics();
        assertEquals(2, queued.queueDepth().get(Priority.HIGH));
        assertEquals(1, queued.queueDepth().get(Priority.NORMAL));
        assertEquals(1, queued.queueDepth().get(Priority.LOW));
        assertEquals(4, queued.totalQueued());
        for (int i = 0; i < 6; i++) {
            s.execute(() -> { });
        }
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
        blocker.release();
        s.stop();
        SchedulerMetrics m = s.metrics();
        assertEquals(11, m.submitted());
        assertEquals(9, m.completed()); // blocker + 2 HIGH + 6 NORMAL
        assertEquals(1, m.failed());
        assertEquals(1, m.cancelled());
        assertEquals(1, m.rejected());
        assertEquals(0, m.totalQueued());
        assertEquals(1, m.workers());
        assertEquals(2, m.waitTime().get(Priority.HIGH).count());
        assertEquals(1, m.waitTime().get(Priority.LOW).count());
        assertTrue(m.waitTime().get(Priority.HIGH).maxNanos() > 0);
        assertTrue(m.runTime().get(Priority.NORMAL).count() >= 7);
        assertEquals(m.submitted(), m.finished());
    }

    @Test
    void waitAndRunTimeSummariesReflectTheTasks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("lat").build();
        try (s) {
            for (int i = 0; i < 20; i++) {
                s.submit(() -> {
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }, Priority.LOW).get(10, TimeUnit.SECONDS);
            }
        }
        // after stop(): a snapshot taken right after get() may trail the last task's bookkeeping
        {
            var run = s.metrics().runTime().get(Priority.LOW);
            assertEquals(20, run.count());
            assertTrue(run.meanNanos() >= TimeUnit.MILLISECONDS.toNanos(2), "mean " + run.meanNanos());
            assertTrue(run.p50Nanos() >= TimeUnit.MILLISECONDS.toNanos(1) && run.p50Nanos() <= run.maxNanos());
            assertTrue(run.p99Nanos() >= run.p50Nanos());
        }
    }

    @Test
    void parksAndUnparksAreCounted() throws Exception {
        try (Scheduler s = SchedulerBuilder.create().workerCount(1).name("parks").build()) {
            dev.echo.testing.Await.until(() -> s.metrics().parkedWorkers() == 1, java.time.Duration.ofSeconds(10),
                    () -> "the idle worker did not park: " + s.metrics());
            assertEquals(1, s.metrics().parkedWorkers());
            assertTrue(s.metrics().parks() >= 1);
            s.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertTrue(s.metrics().unparks() >= 1);
        }
    }
}
