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

    /**
     * A worker's fork takes a short path when it has a finished-task count in hand (Scheduler's
     * fork): it must still refuse a fork after shutdownNow, keep accepting one during a graceful
     * shutdown, and count each. The forking task first forks a few tasks while running, so that
     * its worker holds counts bought in advance when it forks again.
     */
    @Test
    void aWorkerHoldingCountsInAdvanceHasItsForkRefusedAfterShutdownNowAndAcceptedDuringShutdown() throws Exception {
        for (boolean now : new boolean[] {true, false}) {
            Scheduler s = SchedulerBuilder.create().workerCount(1).name("fork-" + (now ? "stopped" : "draining")).build();
            CountDownLatch forkedBefore = new CountDownLatch(4);
            CountDownLatch stopping = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            AtomicInteger lateRuns = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Object> lateFork = new java.util.concurrent.atomic.AtomicReference<>();
            s.execute(() -> {
                for (int i = 0; i < 4; i++) {
                    s.execute(forkedBefore::countDown, Priority.NORMAL); // buys a batch of counts, keeps the rest
                }
                stopping.countDown();
                awaitIgnoringInterrupts(stopped); // shutdownNow interrupts us
                try {
                    s.execute(lateRuns::incrementAndGet, Priority.NORMAL);
                    lateFork.set("accepted");
                } catch (RejectedExecutionException e) {
                    lateFork.set(e);
                }
            }, Priority.NORMAL);
            assertTrue(stopping.await(10, TimeUnit.SECONDS));
            List<Runnable> returned = now ? s.shutdownNow() : List.of();
            if (!now) {
                s.shutdown();
            }
            stopped.countDown();
            assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "terminates: " + s.metrics());
            SchedulerMetrics m = s.metrics();
            if (now) {
                assertInstanceOf(RejectedExecutionException.class, lateFork.get(), "a fork after shutdownNow is refused");
                assertTrue(((Exception) lateFork.get()).getMessage().contains("shutdownNow"), ((Exception) lateFork.get()).getMessage());
                assertEquals(0, lateRuns.get(), "the refused fork never runs");
                assertEquals(4, returned.size() + (4 - forkedBefore.getCount()), "the earlier forks ran or were returned");
                assertEquals(1 + 4, m.submitted(), "the refused fork is not counted as submitted");
            } else {
                assertEquals("accepted", lateFork.get(), "a fork during a graceful shutdown continues accepted work");
                assertEquals(1, lateRuns.get(), "and runs before termination");
                assertEquals(0, forkedBefore.getCount());
                assertEquals(1 + 4 + 1, m.submitted());
                assertEquals(m.submitted(), m.finished());
            }
        }
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                if (latch.await(10, TimeUnit.SECONDS)) {
                    break;
                }
                throw new AssertionError("the test never let the task go on");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
