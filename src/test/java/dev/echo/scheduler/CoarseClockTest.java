package dev.echo.scheduler;

import dev.echo.task.Priority;
import dev.echo.task.Task;
import dev.echo.testing.Await;
import dev.echo.testing.RecordingThreadFactory;
import dev.echo.testing.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The coarse clock that stamps forks (issue 13): it ticks only while workers run, stamps a fork
 * ahead of its reading (never behind the real time while it ticks), falls back to the real clock
 * when it does not tick, and ends with the scheduler. Its effect on ageing is AgingTest's: a task
 * forked late in a long task must not look aged before its time. Growing rings are trimmed once
 * the workers idle.
 */
class CoarseClockTest {

    /** Forks one task from a worker and returns its queueing stamp, with the real clock read before and after. */
    private static long[] forkAndStamp(Scheduler s) throws Exception {
        return s.submit(() -> {
            long before = System.nanoTime();
            CompletableFuture<Void> fork = s.submit(() -> { }, Priority.LOW);
            long after = System.nanoTime();
            return new long[] {before, ((Task<?>) fork).queuedAtNanos(), after};
        }, Priority.NORMAL).get(10, TimeUnit.SECONDS);
    }

    private static Thread clockThread(RecordingThreadFactory factory) {
        return factory.threads().stream().filter(t -> t.getName().endsWith("-clock")).findFirst().orElse(null);
    }

    @Test
    void aForkBeforeTheClockTicksIsStampedByTheRealClockAndStartsIt() throws Exception {
        RecordingThreadFactory factory = new RecordingThreadFactory();
        Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(factory).name("clock-start").build();
        try {
            assertNull(clockThread(factory), "no clock thread before the first fork");
            long[] first = forkAndStamp(s);
            assertTrue(first[1] >= first[0] && first[1] <= first[2],
                    "an INVALID clock: the fork reads the real clock (" + first[0] + " <= " + first[1] + " <= " + first[2] + ")");
            Thread clock = clockThread(factory);
            assertNotNull(clock, "the first fork starts the clock thread");
            assertTrue(clock.getName().startsWith("clock-start-"), clock.getName());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void whileItTicksAForkIsStampedTwoTicksAheadOfItsReading() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("clock-ticks").build();
        try {
            CoarseClock clock = s.coarseClock();
            assertNotNull(clock, "the default ageing threshold leaves room for the clock");
            // one task on the worker: it keeps the pool busy (the clock ticks) while it forks
            AtomicReference<String> failure = new AtomicReference<>();
            s.submit(() -> {
                s.submit(() -> { }, Priority.LOW); // starts the clock
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (clock.now() == CoarseClock.INVALID && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 1000 && failure.get() == null; i++) {
                    long readingBefore = clock.now();
                    CompletableFuture<Void> fork = s.submit(() -> { }, Priority.LOW);
                    long readingAfter = clock.now();
                    long stamp = ((Task<?>) fork).queuedAtNanos();
                    if (readingBefore == CoarseClock.INVALID || readingAfter == CoarseClock.INVALID) {
                        failure.set("the clock stopped ticking while a worker ran");
                    } else if (stamp < readingBefore + CoarseClock.MARGIN_NANOS || stamp > readingAfter + CoarseClock.MARGIN_NANOS) {
                        failure.set("stamp " + stamp + " is not its reading + " + CoarseClock.MARGIN_NANOS + " ns ("
                                + readingBefore + ".." + readingAfter + ")");
                    }
                }
                return null;
            }, Priority.NORMAL).get(30, TimeUnit.SECONDS);
            assertNull(failure.get(), failure.get());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void anIdlePoolStopsTheClockAndTheNextForkReadsTheRealClockAndWakesIt() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("clock-idle").build();
        try {
            CoarseClock clock = s.coarseClock();
            forkAndStamp(s);
            Await.until(clock::isSleeping, Duration.ofSeconds(10), () -> "the clock kept ticking in an idle pool");
            assertEquals(CoarseClock.INVALID, clock.now(), "a sleeping clock has no reading");
            long[] next = forkAndStamp(s);
            assertTrue(next[1] >= next[0] && next[1] <= next[2], "the fork after idling read the real clock");
            Await.until(() -> !clock.isSleeping(), Duration.ofSeconds(10), () -> "the fork did not wake the clock");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void theClockThreadEndsWithTheSchedulerAndTerminationWaitsForIt() throws Exception {
        RecordingThreadFactory factory = new RecordingThreadFactory();
        Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(factory).name("clock-end").build();
        forkAndStamp(s);
        Thread clock = clockThread(factory);
        assertNotNull(clock);
        s.shutdown();
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(CoarseClock.INVALID, s.coarseClock().now(), "the clock's loop ended before termination was signalled");
        clock.join(10_000); // its last step (returning from run) may follow the signal
        assertFalse(clock.isAlive(), "terminated, yet the clock thread still runs");
    }

    @Test
    void withoutAClockThreadForksAreStampedByTheRealClock() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory noClock = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            if (made.incrementAndGet() > 1) {
                throw new IllegalStateException("no more threads"); // the worker only
            }
            return t;
        };
        Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(noClock).name("clock-refused").build();
        try {
            for (int i = 0; i < 3; i++) {
                long[] f = forkAndStamp(s);
                assertTrue(f[1] >= f[0] && f[1] <= f[2], "fork " + i + " read the real clock");
            }
            assertEquals(2, made.get(), "the refused clock thread is not asked for again on every fork");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aShortAgeingThresholdKeepsTheRealClockForForks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).agingThreshold(Duration.ofMillis(20)).name("clock-short").build();
        try {
            assertNull(s.coarseClock(), "two ticks of lateness would not fit a 2.5 ms check interval");
            long[] f = forkAndStamp(s);
            assertTrue(f[1] >= f[0] && f[1] <= f[2]);
        } finally {
            Schedulers.stop(s);
        }
        assertTrue(CoarseClock.usable(Worker.checkIntervalNanos(Duration.ofMillis(100).toNanos())));
        assertFalse(CoarseClock.usable(Worker.checkIntervalNanos(Duration.ofMillis(20).toNanos())));
    }

    @Test
    void ringsGrownByAFanOutAreTrimmedOnceTheWorkersIdle() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("trim").build();
        try {
            int forks = 50_000;
            CountDownLatch done = new CountDownLatch(forks);
            CountDownLatch gate = new CountDownLatch(1);
            s.execute(() -> {
                for (int i = 0; i < forks; i++) {
                    s.execute(() -> {
                        try {
                            gate.await(); // hold the workers so the forks pile up in the ring
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        done.countDown();
                    }, Priority.NORMAL);
                }
                gate.countDown();
            }, Priority.NORMAL);
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertTrue(s.largestRingCapacity() > 256, "the fan-out grew a ring: " + s.largestRingCapacity());
            Await.until(() -> s.largestRingCapacity() == 256, Duration.ofSeconds(15),
                    () -> "the idle workers kept rings of " + s.largestRingCapacity() + " slots");
        } finally {
            Schedulers.stop(s);
        }
    }
}
