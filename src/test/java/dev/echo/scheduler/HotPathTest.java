package dev.echo.scheduler;

import dev.echo.metrics.SchedulerMetrics;
import dev.echo.task.PlainTask;
import dev.echo.task.Priority;
import dev.echo.testing.Blocker;
import dev.echo.testing.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the hot-path changes of issue 13 must keep: execute without a future, outside submissions
 * counted per submission ring with counts bought in advance, workers counting their own forks.
 */
class HotPathTest {

    @Test
    void executeRunsWithoutAFutureAtItsPriorityAndCountsAFailure() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("plain").build();
        List<Priority> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            CountDownLatch ran = new CountDownLatch(1);
            s.execute(() -> {
                seen.add(Scheduler.currentPriority().orElse(null));
                ran.countDown();
            }, Priority.LOW);
            s.execute(() -> {
                throw new IllegalStateException("nobody holds a future of me");
            }, Priority.HIGH);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> s.execute(null, Priority.HIGH));
            assertThrows(NullPointerException.class, () -> s.execute(() -> { }, null));
        } finally {
            Schedulers.stop(s);
        }
        assertEquals(List.of(Priority.LOW), seen, "the body saw its own priority");
        SchedulerMetrics m = s.metrics();
        assertEquals(1, m.byPriority().get(Priority.HIGH).failed(), "the failure is counted");
        assertEquals(1, m.byPriority().get(Priority.LOW).completed());
        assertEquals(m.submitted(), m.finished());
    }

    @Test
    void anExecutedTaskThatShutdownNowReturnsRunsOnceWhenTheCallerRunsIt() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("plain-returned").build();
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        AtomicInteger runs = new AtomicInteger();
        s.execute(runs::incrementAndGet, Priority.NORMAL);
        List<Runnable> returned = s.shutdownNow();
        blocker.release();
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, returned.size());
        assertInstanceOf(PlainTask.class, returned.get(0));
        returned.get(0).run();
        returned.get(0).run();
        assertEquals(1, runs.get(), "a returned task runs once");
        assertEquals(1, s.metrics().returned());
    }

    /** Outside threads submit while the scheduler shuts down: each accepted task runs, and it terminates. */
    @Test
    void outsideSubmissionsRacingShutdownEitherRunOrAreRefusedAndTheSchedulerTerminates() throws Exception {
        for (int round = 0; round < 50; round++) {
            Scheduler s = SchedulerBuilder.create().workerCount(2).name("race-" + round).build();
            AtomicLong accepted = new AtomicLong();
            AtomicLong ran = new AtomicLong();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 2_000; i++) {
                        try {
                            s.execute(ran::incrementAndGet, Priority.values()[i % 3]);
                            accepted.incrementAndGet();
                        } catch (RejectedExecutionException e) {
                            return;
                        }
                    }
                });
                submitters.add(th);
                th.start();
            }
            go.countDown();
            Thread.sleep(round % 3); // sometimes before the first submission, sometimes in the middle
            s.shutdown();
            for (Thread th : submitters) {
                th.join(10_000);
            }
            assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "round " + round + " did not terminate: " + s.metrics());
            assertEquals(accepted.get(), ran.get(), "round " + round + ": every accepted task ran");
            assertEquals(accepted.get(), s.metrics().submitted(), "round " + round + ": exact submitted count");
        }
    }

    /** Counts stay exact per priority whoever submits: outside threads, workers forking, the timer. */
    @Test
    void perPriorityCountsAreExactForOutsideSubmissionsForksAndDelayedTasks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("counts").build();
        CountDownLatch forksDone = new CountDownLatch(300);
        for (int i = 0; i < 100; i++) {
            s.execute(() -> {
                for (int f = 0; f < 3; f++) {
                    s.execute(forksDone::countDown, Priority.LOW); // from a worker: its own counter
                }
            }, Priority.HIGH);
        }
        s.schedule(() -> { }, Duration.ofMillis(5), Priority.NORMAL);
        assertTrue(forksDone.await(10, TimeUnit.SECONDS));
        Schedulers.stop(s);
        SchedulerMetrics m = s.metrics();
        assertEquals(100, m.byPriority().get(Priority.HIGH).submitted());
        assertEquals(300, m.byPriority().get(Priority.LOW).submitted());
        assertEquals(1, m.byPriority().get(Priority.NORMAL).submitted());
        assertEquals(401, m.submitted());
        assertEquals(401, m.completed());
        assertEquals(0, m.totalQueued());
    }
}
