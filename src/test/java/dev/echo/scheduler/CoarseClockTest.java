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
 * The coarse clock that stamps floods of tasks (issue 13): a queue (a worker's forks, a submission
 * ring) stamps its first 16 tasks of each tick precisely and the rest ahead of the clock's reading
 * (never behind the real time while it ticks); a task is timed exactly when its stamp is precise.
 * The clock starts with a flood, falls back to the real clock when it does not tick, and ends with
 * the scheduler. Its effect on ageing is AgingTest's: a task
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

    /** A precise stamp: odd, and a reading of the real clock taken between {@code before} and {@code after}. */
    private static void assertPrecise(long[] f, String what) {
        assertTrue(CoarseClock.isPrecise(f[1]), what + ": a precise stamp is odd: " + f[1]);
        assertTrue(f[1] >= f[0] && f[1] <= (f[2] | 1), what + " read the real clock (" + f[0] + " <= " + f[1] + " <= " + f[2] + ")");
    }

    /** Forks {@code n} tasks from a worker as fast as it can: more than a queue stamps precisely per tick. */
    private static void flood(Scheduler s, int n) throws Exception {
        s.submit(() -> {
            for (int i = 0; i < n; i++) {
                s.execute(() -> { }, Priority.LOW);
            }
        }, Priority.NORMAL).get(10, TimeUnit.SECONDS);
    }

    private static Thread clockThread(RecordingThreadFactory factory) {
        return factory.threads().stream().filter(t -> t.getName().endsWith("-clock")).findFirst().orElse(null);
    }

    /**
     * Checks stamps taken while the clock showed {@code readings[i]} (the same before and after
     * the stamp; INVALID where it changed): per tick at most {@value CoarseClock#PRECISE_PER_TICK}
     * precise (odd) stamps, all before the tick's first coarse one, and a coarse stamp is its
     * tick's reading two ticks ahead, even. Returns {precise, coarse, ticks seen with exactly
     * PRECISE_PER_TICK precise stamps followed by a coarse one}.
     */
    private static int[] checkSampling(long[] readings, long[] stamps, int n) {
        java.util.Map<Long, int[]> perTick = new java.util.HashMap<>(); // precise, coarse
        int precise = 0;
        int coarse = 0;
        for (int i = 0; i < n; i++) {
            long r = readings[i];
            if (r == CoarseClock.INVALID) {
                continue;
            }
            int[] tick = perTick.computeIfAbsent(r, k -> new int[2]);
            if (CoarseClock.isPrecise(stamps[i])) {
                assertEquals(0, tick[1], "a precise stamp after a coarse one in tick " + r);
                tick[0]++;
                precise++;
                assertTrue(tick[0] <= CoarseClock.PRECISE_PER_TICK, "more than " + CoarseClock.PRECISE_PER_TICK
                        + " precise stamps in tick " + r);
            } else {
                assertEquals((r + CoarseClock.MARGIN_NANOS) & ~1L, stamps[i], "a coarse stamp is its tick + 2 ticks, even");
                tick[1]++;
                coarse++;
            }
        }
        int full = (int) perTick.values().stream().filter(t -> t[0] == CoarseClock.PRECISE_PER_TICK && t[1] > 0).count();
        return new int[] {precise, coarse, full};
    }

    /**
     * Submits no-op tasks from the calling thread (forks on a worker, outside submissions
     * elsewhere) in rounds of 5 ms, recording each stamp with the clock's reading around it, and
     * checks every round ({@link #checkSampling}) until the flood has been stamped coarsely and a
     * tick was seen from its start (a tick whose first stamp's reading changed under it is not),
     * or 10 s or a million tasks passed. While the clock does not tick, the flood wakes it. Returns the totals.
     */
    private static int[] sampleWhileFlooding(Scheduler s, CoarseClock clock) {
        int max = 200_000;
        long[] readings = new long[max];
        long[] stamps = new long[max];
        int[] total = new int[3];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long submitted = 0; // the tasks pile up behind the busy worker: a bound on the memory they take
        while ((total[1] == 0 || total[2] == 0) && System.nanoTime() < deadline && submitted < 1_000_000) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            int n = 0;
            while (n < max && System.nanoTime() < end) {
                long before = clock.now();
                CompletableFuture<Void> task = s.submit(() -> { }, Priority.LOW);
                readings[n] = clock.now() == before ? before : CoarseClock.INVALID;
                stamps[n] = ((Task<?>) task).queuedAtNanos();
                n++;
            }
            submitted += n;
            int[] seen = checkSampling(readings, stamps, n);
            for (int i = 0; i < 3; i++) {
                total[i] += seen[i];
            }
        }
        return total;
    }

    @Test
    void rareForksAreStampedByTheRealClockAndStartNoClockThread() throws Exception {
        RecordingThreadFactory factory = new RecordingThreadFactory();
        Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(factory).nameThreads(true).name("clock-start").build();
        try {
            for (int i = 0; i < 3; i++) {
                assertPrecise(forkAndStamp(s), "fork " + i);
            }
            assertNull(clockThread(factory), "a few forks need no clock thread");
            flood(s, 200);
            Thread clock = clockThread(factory);
            assertNotNull(clock, "more than " + CoarseClock.PRECISE_PER_TICK + " forks in a millisecond start the clock thread");
            assertTrue(clock.getName().startsWith("clock-start-"), clock.getName());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void whileItTicksEachTickHasSixteenPreciseForkStampsThenCoarseOnesTwoTicksAhead() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("clock-ticks").build();
        try {
            CoarseClock clock = s.coarseClock();
            assertNotNull(clock, "the default ageing threshold leaves room for the clock");
            // one task on the worker: it keeps the pool busy (the clock ticks) while it forks
            int[] seen = s.submit(() -> sampleWhileFlooding(s, clock), Priority.NORMAL).get(60, TimeUnit.SECONDS);
            assertTrue(seen[1] > 0, "a flood is stamped coarsely after the first stamps of a tick: " + java.util.Arrays.toString(seen));
            assertTrue(seen[2] >= 1, "a tick seen from its start has exactly " + CoarseClock.PRECISE_PER_TICK
                    + " precise stamps, then coarse ones: " + java.util.Arrays.toString(seen));
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void outsideSubmissionsAreSampledPerSubmissionRingLikeForks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("clock-outside").build();
        CountDownLatch release = new CountDownLatch(1);
        try {
            CoarseClock clock = s.coarseClock();
            s.execute(() -> {
                try {
                    release.await(); // a busy worker: the clock ticks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, Priority.HIGH);
            int[] seen = sampleWhileFlooding(s, clock);
            assertTrue(seen[1] > 0 && seen[2] >= 1, "16 precise stamps per tick, then coarse ones: " + java.util.Arrays.toString(seen));
        } finally {
            release.countDown();
            Schedulers.stop(s);
        }
    }

    @Test
    void aTaskIsTimedExactlyWhenItsStampIsPreciseAndEveryTaskIsCounted() throws Exception {
        java.util.concurrent.atomic.AtomicLong heard = new java.util.concurrent.atomic.AtomicLong();
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("clock-timed")
                .taskObserver((p, wait, run) -> heard.incrementAndGet()).build();
        CountDownLatch release = new CountDownLatch(1);
        java.util.List<Task<?>> tasks = new java.util.ArrayList<>();
        try {
            tasks.add((Task<?>) s.submit(() -> {
                try {
                    release.await(); // the worker stays busy while the flood is queued: the clock ticks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, Priority.HIGH));
            Await.until(() -> s.metrics().activeWorkers() == 1, Duration.ofSeconds(10), () -> "the blocker never started");
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean coarseSeen = false;
            while ((System.nanoTime() < end || tasks.size() < 2000 || !coarseSeen) && System.nanoTime() < deadline
                    && tasks.size() < 1_000_000) {
                Task<?> t = (Task<?>) s.submit(() -> { }, Priority.NORMAL);
                tasks.add(t);
                coarseSeen |= !CoarseClock.isPrecise(t.queuedAtNanos());
            }
        } finally {
            release.countDown();
            Schedulers.stop(s);
        }
        long precise = tasks.stream().filter(t -> CoarseClock.isPrecise(t.queuedAtNanos())).count();
        assertTrue(precise < tasks.size(), "the flood was sampled: " + precise + " precise stamps of " + tasks.size());
        assertEquals(precise, heard.get(), "the observer hears exactly the tasks with a precise stamp");
        var m = s.metrics();
        assertEquals(tasks.size(), m.completed(), "every task is counted, timed or not");
        assertEquals(precise - 1, m.runTime().get(Priority.NORMAL).count(), "run times of the precisely stamped tasks (the blocker is HIGH)");
        assertEquals(precise - 1, m.waitTime().get(Priority.NORMAL).count());
        assertEquals(1, m.runTime().get(Priority.HIGH).count(), "a lone task is timed");
    }

    @Test
    void anIdlePoolStopsTheClockRareForksLeaveItAsleepAndAFloodWakesIt() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("clock-idle").build();
        try {
            CoarseClock clock = s.coarseClock();
            flood(s, 200);
            Await.until(clock::isSleeping, Duration.ofSeconds(10), () -> "the clock kept ticking in an idle pool");
            assertEquals(CoarseClock.INVALID, clock.now(), "a sleeping clock has no reading");
            assertPrecise(forkAndStamp(s), "the fork after idling");
            assertTrue(clock.isSleeping(), "one fork does not wake the clock");
            boolean woken = s.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    s.execute(() -> { }, Priority.LOW);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (clock.isSleeping() && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // a busy worker: the woken clock keeps ticking
                }
                return !clock.isSleeping();
            }, Priority.NORMAL).get(30, TimeUnit.SECONDS);
            assertTrue(woken, "the flood did not wake the clock");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aBusyPoolWhoseQueuesNoLongerFloodStopsTheClock() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("clock-unused").build();
        try {
            CoarseClock clock = s.coarseClock();
            long[] seen = s.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    s.execute(() -> { }, Priority.LOW); // a flood: the clock starts
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (clock.now() == CoarseClock.INVALID && !clock.isSleeping() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                boolean ticked = clock.now() != CoarseClock.INVALID || clock.isSleeping();
                // the worker stays busy (this task), but nothing is stamped coarsely any more
                while (!clock.isSleeping() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                boolean asleep = clock.isSleeping();
                // read here, not after get(): once this task returns, the worker runs the flood's
                // coarsely stamped tasks, whose ends wake the clock again (a full run saw it ticking)
                return new long[] {ticked ? 1 : 0, asleep ? 1 : 0, clock.now()};
            }, Priority.NORMAL).get(30, TimeUnit.SECONDS);
            assertEquals(1, seen[0], "the flood started the clock");
            assertEquals(1, seen[1], "a busy worker without a flood let the clock sleep");
            assertEquals(CoarseClock.INVALID, seen[2], "a sleeping clock reads INVALID");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void theClockThreadEndsWithTheSchedulerAndTerminationWaitsForIt() throws Exception {
        RecordingThreadFactory factory = new RecordingThreadFactory();
        Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(factory).nameThreads(true).name("clock-end").build();
        flood(s, 200);
        Thread clock = clockThread(factory);
        assertNotNull(clock);
        s.shutdown();
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(CoarseClock.INVALID, s.coarseClock().now(), "the clock's loop ended before termination was signalled");
        clock.join(10_000); // its last step (returning from run) may follow the signal
        assertFalse(clock.isAlive(), "terminated, yet the clock thread still runs");
    }

    @Test
    void withoutAClockThreadEveryStampIsPrecise() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory noClock = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            if (made.incrementAndGet() > 1) {
                throw new IllegalStateException("no more threads"); // the worker only
            }
            return t;
        };
        Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(noClock).nameThreads(true).name("clock-refused").build();
        try {
            for (int i = 0; i < 3; i++) {
                flood(s, 200);
                assertPrecise(forkAndStamp(s), "fork " + i);
            }
            assertEquals(2, made.get(), "the refused clock thread is not asked for again on every flood");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aShortAgeingThresholdKeepsTheRealClockForForks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).agingThreshold(Duration.ofMillis(20)).name("clock-short").build();
        try {
            assertNull(s.coarseClock(), "two ticks of lateness would not fit a 2.5 ms check interval");
            flood(s, 200);
            assertPrecise(forkAndStamp(s), "a fork after a flood");
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

    /** Spins for {@code nanos}: a task that keeps its worker busy without forking. */
    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** What the tasks of a {@link #backlog} saw: a reading or not, in the order they ran; and whether the clock slept at the start. */
    private record Backlog(boolean[] sawReading, boolean asleepAtStart) {
    }

    /**
     * On a scheduler of one worker: forks until the clock ticks, then forks {@code n} LOW tasks
     * (stamped coarsely, all but the first few of each tick) that each record whether the clock
     * had a reading when they started and then run {@code runNanos}; then, if
     * {@code waitForSleep}, keeps the worker busy until the clock falls asleep (no coarse stamp,
     * no task ending, for a few ticks). Returns once the backlog ran.
     */
    private static Backlog backlog(String name, int n, long runNanos, boolean waitForSleep) throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name(name).build();
        try {
            CoarseClock clock = s.coarseClock();
            boolean[] sawReading = new boolean[n];
            CountDownLatch done = new CountDownLatch(n);
            boolean asleep = s.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                // a short flood wakes the clock. Bounded: its tasks are stamped precisely (the clock
                // did not tick yet), so their ends do not keep the clock ticking, and a flood that
                // lasted as long as the clock thread took to start (ms on a busy machine) let the
                // clock sleep again while the worker ran it, before the backlog (a full run saw it)
                // short floods until the clock ticks: on a loaded machine the clock thread may take
                // longer to start than one flood lasts, and then sleeps again before its first tick is
                // used (a loaded fresh-clone run saw that); each flood wakes it again
                while (clock.now() == CoarseClock.INVALID && System.nanoTime() < deadline) {
                    for (int i = 0; i < 100 && clock.now() == CoarseClock.INVALID; i++) {
                        s.execute(() -> { }, Priority.LOW);
                    }
                    long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                    while (clock.now() == CoarseClock.INVALID && System.nanoTime() < settle) {
                        Thread.onSpinWait();
                    }
                }
                assertNotEquals(CoarseClock.INVALID, clock.now(), "the flood did not get the clock ticking");
                for (int i = 0; i < n; i++) {
                    int index = i;
                    s.execute(() -> {
                        sawReading[index] = clock.now() != CoarseClock.INVALID;
                        busy(runNanos);
                        done.countDown();
                    }, Priority.LOW);
                }
                while (waitForSleep && !clock.isSleeping() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                return clock.isSleeping();
            }, Priority.NORMAL).get(30, TimeUnit.SECONDS);
            assertTrue(done.await(60, TimeUnit.SECONDS), "the backlog did not run");
            return new Backlog(sawReading, asleep);
        } finally {
            Schedulers.stop(s);
        }
    }

    private static int countFrom(boolean[] seen, int from) {
        int n = 0;
        for (int i = from; i < seen.length; i++) {
            n += seen[i] ? 1 : 0;
        }
        return n;
    }

    @Test
    void aBacklogOfCoarselyStampedTasksKeepsTheClockTickingThoughNothingIsForkedAnyMore() throws Exception {
        // A fan-out's leaves: the last half of its tasks fork nothing. Their ends use the clock's
        // reading (no clock read each) and must keep it ticking: 400 tasks of 100 µs, 40 ms,
        // ten ticks of ends without a single coarse stamp, and too few ends per millisecond for
        // the real-clock count to wake a sleeping clock.
        Backlog b = backlog("clock-backlog", 400, 100_000, false);
        int lastHalf = countFrom(b.sawReading(), 200);
        assertTrue(lastHalf >= 180, "the clock fell asleep under a backlog of its flood: only " + lastHalf
                + " of the last 200 tasks started with a reading");
    }

    @Test
    void manyTaskEndsReadingTheRealClockWakeASleepingClock() throws Exception {
        // The clock fell asleep while the worker ran one long task; then the worker runs a backlog
        // of short coarsely stamped tasks: more than 16 ends a millisecond read the real clock,
        // which wakes the clock, and their ends keep it ticking from then on.
        Backlog b = backlog("clock-rewake", 4000, 5_000, true);
        assertTrue(b.asleepAtStart(), "the clock was still ticking when the backlog started");
        assertFalse(b.sawReading()[0], "the first task of the backlog started while the clock slept");
        int lastFifth = countFrom(b.sawReading(), 3200);
        assertTrue(lastFifth >= 720, "the backlog's ends did not wake the clock for good: only " + lastFifth
                + " of the last 800 tasks started with a reading");
    }
}
