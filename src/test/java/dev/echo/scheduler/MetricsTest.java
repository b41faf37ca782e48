package dev.echo.scheduler;

import dev.echo.testing.DeadThreadFactory;
import dev.echo.testing.Schedulers;
import dev.echo.testing.Spin;
import dev.echo.testing.Blocker;
import dev.echo.metrics.PriorityCounts;
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
        Blocker urgentBlocker = new Blocker(); // the only worker is busy: this HIGH one holds the urgent thread
        s.execute(urgentBlocker, Priority.HIGH);
        urgentBlocker.awaitStarted();
        assertEquals(1, s.metrics().spareWorkers(), "the urgent thread counts among the spares while it lives");
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
        urgentBlocker.release();
        Schedulers.stop(s);
        SchedulerMetrics m = s.metrics();
        assertEquals(12, m.submitted());
        assertEquals(10, m.completed()); // blocker + urgent blocker + 2 HIGH + 6 NORMAL (the urgent thread's count too)
        assertEquals(1, m.failed());
        assertEquals(1, m.cancelled());
        assertEquals(1, m.rejected());
        assertEquals(0, m.totalQueued());
        assertEquals(1, m.workers());
        assertEquals(3, m.waitTime().get(Priority.HIGH).count());
        assertEquals(1, m.waitTime().get(Priority.LOW).count());
        assertTrue(m.waitTime().get(Priority.HIGH).maxNanos() > 0);
        assertTrue(m.runTime().get(Priority.NORMAL).count() >= 7);
        assertEquals(m.submitted(), m.finished());
        assertEquals(new PriorityCounts(3, 3, 0, 0, 0), m.byPriority().get(Priority.HIGH));
        assertEquals(new PriorityCounts(8, 7, 0, 1, 1), m.byPriority().get(Priority.NORMAL)); // blocker + 6 + cancelled; 1 refused
        assertEquals(new PriorityCounts(1, 0, 1, 0, 0), m.byPriority().get(Priority.LOW));
        assertEquals(0, m.deadWorkers());
    }

    @Test
    void aWorkerWhoseThreadEndedIsReportedDead() throws Exception {
        // A container's factory may hand out threads that end on their own; the worker is then gone.
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("dead")
                .threadFactory(new DeadThreadFactory(0))
                .build();
        dev.echo.testing.Await.until(() -> s.metrics().deadWorkers() == 1, java.time.Duration.ofSeconds(10),
                () -> "the worker whose thread ended is reported");
        assertEquals(1, s.metrics().deadWorkers());
        assertEquals(1, s.submit(() -> 1, Priority.HIGH).get(10, TimeUnit.SECONDS)); // the live one serves
        s.shutdownNow();
        assertEquals(0, s.metrics().deadWorkers(), "after a stop, ended threads are expected, not dead");
    }

    @Test
    void theTaskObserverHearsEachTaskWaitAndRunTime() throws Exception {
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch three = new java.util.concurrent.CountDownLatch(3);
        // maxWorkers(1): one thread runs all three, so the observer hears them in order (with a spares'
        // budget the HIGH task may start on the urgent thread before the worker has told about the LOW one)
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("obs").taskObserver((p, wait, run) -> {
            // only lower bounds: a worker can be descheduled at any moment, so upper bounds would be timing guesses
            heard.add(p + (wait >= 0 ? " waited" : " negative wait")
                    + (p != Priority.LOW ? (run >= 0 ? " ran" : " negative run") : run >= TimeUnit.MILLISECONDS.toNanos(2) ? " ran 2ms+" : " ran < 2ms"));
            three.countDown();
        }).build();
        try {
            s.submit(() -> Spin.busy(TimeUnit.MILLISECONDS.toNanos(2)), Priority.LOW).get(10, TimeUnit.SECONDS);
            s.submit(() -> 1, Priority.HIGH).get(10, TimeUnit.SECONDS);
            s.submit(() -> {
                throw new IllegalStateException("failed tasks are timed too");
            }, Priority.NORMAL);
            assertTrue(three.await(10, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
        assertEquals(java.util.List.of("LOW waited ran 2ms+", "HIGH waited ran", "NORMAL waited ran"), heard);
    }

    @Test
    void aThrowingObserverDoesNotHurtTheWorker() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("obs-throws").taskObserver((p, wait, run) -> {
            throw new IllegalStateException("observer bug");
        }).build();
        try {
            assertEquals(1, s.submit(() -> 1, Priority.HIGH).get(10, TimeUnit.SECONDS));
            assertEquals(2, s.submit(() -> 2, Priority.HIGH).get(10, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void waitAndRunTimeSummariesReflectTheTasks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("lat").build();
        try {
            for (int i = 0; i < 20; i++) {
                s.submit(() -> Spin.busy(TimeUnit.MILLISECONDS.toNanos(2)), Priority.LOW).get(10, TimeUnit.SECONDS);
            }
        } finally {
            Schedulers.stop(s);
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
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("parks").build();
        try {
            dev.echo.testing.Await.until(() -> s.metrics().parkedWorkers() == 1, java.time.Duration.ofSeconds(10),
                    () -> "the idle worker did not park: " + s.metrics());
            assertEquals(1, s.metrics().parkedWorkers());
            assertTrue(s.metrics().parks() >= 1);
            s.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertTrue(s.metrics().unparks() >= 1);
        } finally {
            Schedulers.stop(s);
        }
    }
}
