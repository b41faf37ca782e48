package dev.echo.scheduler;

import dev.echo.testing.RecordingThreadFactory;
import dev.echo.testing.Spin;
import dev.echo.testing.Blocker;
import dev.echo.testing.Sleeper;
import dev.echo.testing.Schedulers;
import dev.echo.metrics.SchedulerMetrics;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** stop()/close() drain; stop(Duration) drops and returns; nothing accepted is silently lost. */
class GracefulStopTest {

    @Test
    void stopRunsEveryAcceptedTaskThenTheWorkersExit() throws Exception {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("drain").threadFactory(threads).build();
        AtomicInteger ran = new AtomicInteger();
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        for (int i = 0; i < 1000; i++) {
            s.execute(ran::incrementAndGet, Priority.values()[i % 3]);
        }
        CompletableFuture<Integer> delayed = s.schedule(ran::incrementAndGet, Duration.ofMillis(100), Priority.LOW);
        CompletableFuture<Integer> io = new CompletableFuture<>();
        CompletableFuture<Integer> async = s.submitAsync(() -> io, Priority.NORMAL);
        // accepted before stop(), run by the free worker while stop() drains: it completes the
        // async task's stage and releases the blocker, so stop() must wait for both
        s.schedule(() -> {
            io.complete(7);
            blocker.release();
        }, Duration.ofMillis(50), Priority.HIGH);
        Schedulers.callStop(s);
        assertTrue(s.isTerminated());
        assertEquals(1001, ran.get()); // 1000 queued + the delayed one
        assertTrue(delayed.isDone() && !delayed.isCompletedExceptionally());
        assertEquals(7, async.getNow(null));
        for (Thread t : threads.threads()) {
            t.join(5000);
            assertFalse(t.isAlive(), t.getName() + " still alive after stop()");
        }
        assertThrows(RejectedExecutionException.class, () -> s.submit(() -> 1));
    }

    @Test
    void closeIsAGracefulStop() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("close").build();
        assertTimeoutPreemptively(Schedulers.STOP_BOUND, () -> {
            try (s) {
                for (int i = 0; i < 100; i++) {
                    s.execute(ran::incrementAndGet);
                }
            }
        }, "close() did not return");
        assertEquals(100, ran.get());
        assertTrue(s.isTerminated());
    }

    @Test
    void tasksForkedByRunningTasksDuringTheDrainStillRun() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("forks").build();
        AtomicInteger leaves = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        s.execute(() -> {
            await(go);
            fork(s, 10, leaves); // forks happen after shutdown() below
        });
        s.shutdown();
        go.countDown();
        assertTrue(s.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(1 << 10, leaves.get());
    }

    private static void fork(Scheduler s, int depth, AtomicInteger leaves) {
        if (depth == 0) {
            leaves.incrementAndGet();
            return;
        }
        s.execute(() -> fork(s, depth - 1, leaves));
        s.execute(() -> fork(s, depth - 1, leaves));
    }

    @Test
    void stopWithDeadlineReturnsWhatItDroppedAndInterruptsTheRest() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("deadline").build();
        Sleeper sleeper = new Sleeper();
        s.execute(sleeper);
        assertTrue(sleeper.awaitStarted());
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(s.submit(() -> { }, Priority.LOW));
        }
        List<Runnable> dropped = s.stop(Duration.ofMillis(200));
        assertEquals(10, dropped.size());
        assertTrue(dropped.containsAll(queued));
        assertTrue(sleeper.awaitInterrupted(10));
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "interrupted tasks end soon after stop(Duration) returns");
        SchedulerMetrics m = s.metrics();
        assertEquals(m.submitted(), m.finished(), m.toString());
    }

    @Test
    void stopWithDeadlineReturnsNothingWhenEverythingRan() {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("quick").build();
        for (int i = 0; i < 100; i++) {
            s.execute(() -> { });
        }
        assertEquals(List.of(), s.stop(Duration.ofSeconds(10)));
        assertEquals(100, s.metrics().completed());
    }

    @Test
    void anInterruptedStopReturnsWithTheFlagSetAndTheDrainGoesOn() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("interrupted-stop").build();
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            s.execute(ran::incrementAndGet, Priority.LOW);
        }
        java.util.concurrent.atomic.AtomicBoolean flagAfterStop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stopper = new Thread(() -> {
            Thread.currentThread().interrupt(); // interrupted before it waits: stop() must not swallow it
            s.stop();
            flagAfterStop.set(Thread.currentThread().isInterrupted());
        }, "stopper");
        stopper.start();
        stopper.join(10_000);
        assertFalse(stopper.isAlive(), "an interrupted stop() kept waiting for the drain");
        assertTrue(flagAfterStop.get(), "stop() cleared the caller's interrupt flag");
        assertTrue(s.isShutdown());
        assertFalse(s.isTerminated(), "the blocker still runs: the drain goes on in the background");
        blocker.release();
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(10, ran.get(), "the queued tasks were drained after the interrupted stop()");
    }

    @Test
    void stopWithANegativeDeadlineIsRejected() {
        Scheduler s = SchedulerBuilder.create().workerCount(1).build();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.stop(Duration.ofSeconds(-1)));
            assertTrue(e.getMessage().contains("negative"));
        } finally {
            Schedulers.stop(s);
        }
    }

    /**
     * 100k tasks of every kind and fate — completing, failing, cancelled while queued, delayed,
     * async — from several threads, with a stop(Duration) that drops part of them: every
     * accepted task is accounted for exactly once.
     */
    @Test
    void nothingAcceptedIsLost() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("ledger").build();
        int perThread = 25_000;
        int threads = 4;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<CompletableFuture<?>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch startStop = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                    if (i == perThread / 2) {
                        startStop.countDown();
                    }
                    Priority p = Priority.values()[rnd.nextInt(3)];
                    try {
                        CompletableFuture<?> f = switch (rnd.nextInt(6)) {
                            case 0 -> s.submit(() -> {
                                throw new IllegalStateException("fails");
                            }, p);
                            case 1 -> {
                                CompletableFuture<?> c = s.submit(() -> Spin.busy(2_000), p);
                                c.cancel(rnd.nextBoolean());
                                yield c;
                            }
                            case 2 -> s.schedule(() -> Spin.busy(1_000), Duration.ofMillis(rnd.nextInt(5)), p);
                            case 3 -> s.submitAsync(() -> CompletableFuture.completedFuture(1), p);
                            default -> s.submit(() -> Spin.busy(2_000), p);
                        };
                        futures.add(f);
                        accepted.incrementAndGet();
                    } catch (RejectedExecutionException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            th.start();
            submitters.add(th);
        }
        assertTrue(startStop.await(60, TimeUnit.SECONDS));
        List<Runnable> dropped = s.stop(Duration.ofMillis(50));
        for (Thread th : submitters) {
            th.join(60_000);
        }
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "interrupted tasks end soon after stop(Duration) returns");
        SchedulerMetrics m = s.metrics();
        assertEquals(threads * perThread, accepted.get() + refused.get());
        assertEquals(accepted.get(), m.submitted());
        assertEquals(refused.get(), m.rejected());
        assertEquals(m.submitted(), m.completed() + m.failed() + m.cancelled() + m.returned(), m.toString());
        assertEquals(dropped.size(), m.returned());
        // every future not returned has reached an end
        java.util.Set<Object> returned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        returned.addAll(dropped);
        for (CompletableFuture<?> f : futures) {
            assertTrue(f.isDone() || returned.contains(f), "an accepted task neither ran nor was returned: " + f);
        }
    }



    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
