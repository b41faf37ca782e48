package dev.echo.scheduler;

import dev.echo.task.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Echo's SE {@link Scheduler} as a {@link ScheduledExecutorService}, on the contract the JDK
 * documents (the JSR-166 TCK's ScheduledExecutorTest was the reading list). Only lower bounds on
 * time are asserted ("not before its delay"): upper bounds belong to benchmarks on a shared machine.
 */
class ScheduledExecutorServiceContractTest {

    private Scheduler scheduler;

    /** Used as a plain ScheduledExecutorService, as code that takes one would. */
    private ScheduledExecutorService ses(int workers) {
        scheduler = SchedulerBuilder.create().workerCount(workers).name("ses").build();
        return scheduler;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS), "scheduler did not terminate");
        }
    }

    @Test
    void aCallableAndARunnableRunOnceAfterTheirDelayNotBefore() throws Exception {
        ScheduledExecutorService s = ses(2);
        long t0 = System.nanoTime();
        ScheduledFuture<String> callable = s.schedule(() -> "done", 50, TimeUnit.MILLISECONDS);
        assertTrue(callable.getDelay(TimeUnit.MILLISECONDS) <= 50);
        assertEquals("done", callable.get(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50), "not before its delay");
        assertTrue(callable.isDone() && !callable.isCancelled());
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> runnable = s.schedule((Runnable) runs::incrementAndGet, 10, TimeUnit.MILLISECONDS);
        assertNull(runnable.get(10, TimeUnit.SECONDS), "a Runnable's future yields null");
        assertEquals(1, runs.get());
        assertTrue(runnable.getDelay(TimeUnit.NANOSECONDS) <= 0, "its time has come");
    }

    @Test
    void zeroAndNegativeDelaysRunAtOnce() throws Exception {
        ScheduledExecutorService s = ses(1);
        assertEquals(1, s.schedule(() -> 1, 0, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
        assertEquals(2, s.schedule(() -> 2, -5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
        assertEquals(3, s.schedule(() -> 3, Long.MIN_VALUE, TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS));
    }

    @Test
    void aHugeDelayIsAcceptedAndTheFutureOrdersByDelay() {
        ScheduledExecutorService s = ses(1);
        ScheduledFuture<?> later = s.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.DAYS);
        ScheduledFuture<?> sooner = s.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertTrue(later.getDelay(TimeUnit.DAYS) > 365 * 50, "clamped, not overflowed: " + later.getDelay(TimeUnit.DAYS));
        assertTrue(sooner.compareTo(later) < 0 && later.compareTo(sooner) > 0 && later.compareTo(later) == 0);
        assertTrue(later.cancel(false) && later.isCancelled() && later.isDone());
        assertTrue(sooner.cancel(true));
        assertThrows(CancellationException.class, () -> sooner.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aCancelledDelayedTaskNeverRuns() throws Exception {
        ScheduledExecutorService s = ses(1);
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = s.schedule((Runnable) runs::incrementAndGet, 100, TimeUnit.MILLISECONDS);
        assertTrue(f.cancel(false));
        assertFalse(f.cancel(false), "only once");
        s.schedule(() -> null, 200, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS); // later than f was due
        assertEquals(0, runs.get());
    }

    @Test
    void aFixedRateTaskRunsRepeatedlyNotBeforeEachPeriodAndStopsWhenCancelled() throws Exception {
        ScheduledExecutorService s = ses(2);
        List<Long> starts = new CopyOnWriteArrayList<>();
        CountDownLatch five = new CountDownLatch(5);
        long t0 = System.nanoTime();
        ScheduledFuture<?> f = s.scheduleAtFixedRate(() -> {
            starts.add(System.nanoTime());
            five.countDown();
        }, 20, 30, TimeUnit.MILLISECONDS);
        assertTrue(five.await(10, TimeUnit.SECONDS));
        assertFalse(f.isDone(), "a periodic task only ends by cancellation, failure or shutdown");
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled() && f.isDone());
        assertThrows(CancellationException.class, f::get);
        for (int i = 0; i < 5; i++) {
            assertTrue(starts.get(i) - t0 >= TimeUnit.MILLISECONDS.toNanos(20 + 30L * i),
                    "run " + i + " not before initialDelay + i * period");
        }
        int after = starts.size();
        s.schedule(() -> null, 120, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        assertTrue(starts.size() <= after + 1, "no run after the cancel (one may have been starting): " + starts.size());
    }

    @Test
    void fixedDelayRunsNeverOverlapAndWaitTheDelayAfterEachEnd() throws Exception {
        ScheduledExecutorService s = ses(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<long[]> runs = new CopyOnWriteArrayList<>();
        CountDownLatch four = new CountDownLatch(4);
        ScheduledFuture<?> f = s.scheduleWithFixedDelay(() -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            long start = System.nanoTime();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            runs.add(new long[]{start, System.nanoTime()});
            running.decrementAndGet();
            four.countDown();
        }, 0, 15, TimeUnit.MILLISECONDS);
        assertTrue(four.await(10, TimeUnit.SECONDS));
        f.cancel(false);
        assertEquals(0, overlaps.get());
        for (int i = 1; i < 4; i++) {
            assertTrue(runs.get(i)[0] - runs.get(i - 1)[1] >= TimeUnit.MILLISECONDS.toNanos(15),
                    "run " + i + " started at least the delay after the previous one ended");
        }
    }

    @Test
    void aFixedRateRunLongerThanItsPeriodMakesTheNextStartLateNeverConcurrently() throws Exception {
        ScheduledExecutorService s = ses(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        ScheduledFuture<?> f = s.scheduleAtFixedRate(() -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30)); // period 5 ms
            running.decrementAndGet();
            three.countDown();
        }, 0, 5, TimeUnit.MILLISECONDS);
        assertTrue(three.await(10, TimeUnit.SECONDS));
        f.cancel(false);
        assertEquals(0, overlaps.get(), "subsequent executions may start late, but will not concurrently execute");
    }

    @Test
    void anExceptionSuppressesSubsequentRunsAndGetThrowsIt() throws Exception {
        ScheduledExecutorService s = ses(1);
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = s.scheduleAtFixedRate(() -> {
            if (runs.incrementAndGet() == 3) {
                throw new IllegalStateException("third run failed");
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("third run failed", e.getCause().getMessage());
        assertTrue(f.isDone() && !f.isCancelled());
        s.schedule(() -> null, 50, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        assertEquals(3, runs.get(), "no run after the failure");
        ScheduledFuture<?> g = s.scheduleWithFixedDelay(() -> {
            throw new UnsupportedOperationException("first");
        }, 0, 5, TimeUnit.MILLISECONDS);
        assertInstanceOf(UnsupportedOperationException.class,
                assertThrows(ExecutionException.class, () -> g.get(10, TimeUnit.SECONDS)).getCause());
    }

    @Test
    void cancelWithInterruptInterruptsTheRunInProgress() throws Exception {
        ScheduledExecutorService s = ses(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ScheduledFuture<?> f = s.scheduleWithFixedDelay(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancel(true));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the running execution was interrupted");
    }

    @Test
    void shutdownEndsPeriodicTasksButRunsDelayedOnesAndRefusesNewOnes() throws Exception {
        ScheduledExecutorService s = ses(1);
        CountDownLatch twice = new CountDownLatch(2);
        ScheduledFuture<?> periodic = s.scheduleAtFixedRate(twice::countDown, 0, 5, TimeUnit.MILLISECONDS);
        assertTrue(twice.await(10, TimeUnit.SECONDS));
        ScheduledFuture<String> delayed = s.schedule(() -> "still runs", 50, TimeUnit.MILLISECONDS);
        s.shutdown();
        assertThrows(RejectedExecutionException.class, () -> s.schedule(() -> 1, 1, TimeUnit.MILLISECONDS));
        assertThrows(RejectedExecutionException.class, () -> s.scheduleAtFixedRate(() -> { }, 0, 1, TimeUnit.SECONDS));
        assertEquals("still runs", delayed.get(10, TimeUnit.SECONDS), "a delayed task accepted before shutdown runs");
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "periodic tasks do not keep it alive");
        assertTrue(periodic.isCancelled(), "a periodic task ends with the executor");
    }

    @Test
    void badArgumentsAreRefusedAsDocumented() {
        ScheduledExecutorService s = ses(1);
        assertThrows(NullPointerException.class, () -> s.schedule((Runnable) null, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> s.schedule((java.util.concurrent.Callable<Object>) null, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> s.schedule(() -> 1, 1, null));
        assertThrows(NullPointerException.class, () -> s.scheduleAtFixedRate(null, 0, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> s.scheduleWithFixedDelay(() -> { }, 0, 1, null));
        assertThrows(IllegalArgumentException.class, () -> s.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> s.scheduleWithFixedDelay(() -> { }, 0, -1, TimeUnit.SECONDS));
    }

    @Test
    void periodicTasksRunAtTheGivenPriority() throws Exception {
        ses(1);
        List<Priority> seen = new CopyOnWriteArrayList<>();
        CountDownLatch each = new CountDownLatch(3);
        ScheduledFuture<?> high = scheduler.scheduleAtFixedRate(() -> {
            seen.add(Scheduler.currentPriority().orElseThrow());
            each.countDown();
        }, 0, 1, TimeUnit.HOURS, Priority.HIGH);
        ScheduledFuture<?> low = scheduler.scheduleWithFixedDelay(() -> {
            seen.add(Scheduler.currentPriority().orElseThrow());
            each.countDown();
        }, 0, 1, TimeUnit.HOURS, Priority.LOW);
        ScheduledFuture<?> plain = scheduler.scheduleAtFixedRate(() -> {
            seen.add(Scheduler.currentPriority().orElseThrow());
            each.countDown();
        }, 0, 1, TimeUnit.HOURS);
        assertTrue(each.await(10, TimeUnit.SECONDS));
        assertTrue(seen.containsAll(List.of(Priority.HIGH, Priority.LOW, Priority.NORMAL)), seen.toString());
        high.cancel(false);
        low.cancel(false);
        plain.cancel(false);
    }
}
