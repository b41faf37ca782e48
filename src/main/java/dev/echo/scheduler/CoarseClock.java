package dev.echo.scheduler;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Queueing stamps for floods of tasks without a clock read per task. A clock read costs ~35 ns on
 * a VM, and a flood read it twice per task (the stamp, the end of the task): with one worker, B2
 * ran 2x faster without them. A thread of the scheduler writes {@link System#nanoTime()} into
 * {@code now} every {@value #TICK_MICROS} µs while workers run. Each queue (a submission ring, a
 * worker's forks) stamps its first {@value #PRECISE_PER_TICK} tasks of each tick precisely (the
 * real clock, odd: such a task is timed by its worker) and the rest {@code now + MARGIN}, two
 * ticks ahead (even: not timed); see {@link #stamp}. A queue that stamps fewer than that per
 * millisecond never needs the thread: it is started, or woken, by the first flood.
 *
 * <h2>Why two ticks ahead (young, never old)</h2>
 * A stamp older than the fork would make it look aged before its time, and it would overtake more
 * urgent work (a task forked by a task that ran for a second, stamped with that task's start,
 * did, in AgingTest). So the stamp errs the other way: {@code now} is at most a tick (plus the
 * clock thread's wake-up delay) behind the real time, so {@code now + 2 ticks} is not earlier than
 * the fork unless the clock thread was kept off the CPU for more than a tick; and it is at most two
 * ticks later, which delays the fork's promotion by at most two ticks. The scheduler uses the
 * clock only when that fits inside its ageing check interval (promotion happens three intervals
 * before the threshold), see {@link #usable}; a fork's measured wait is then exact to two ticks.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code now} (the middle of a padded array: the line is written only by the clock thread,
 *       read by forking workers) is either {@link #INVALID} or a reading of
 *       {@code System.nanoTime()} taken at most one tick plus the thread's wake-up delay ago.
 *       It is INVALID whenever the thread does not tick: before it starts, while it sleeps
 *       (every worker parked, or no coarse stamp handed out for a few ticks), after the scheduler
 *       terminated, or if the thread factory could not make it. A stamp made while it is INVALID is precise; a flood then wakes the thread.</li>
 *   <li>{@code sleeping} (volatile) is set by the clock thread, after writing INVALID, before it
 *       parks without a deadline; a stamper that sees it clears it (a plain volatile write, no
 *       CAS) and unparks the thread. A duplicate unpark only costs a tick; a stamper that misses
 *       the flag (set just after its look) stamped with the real clock anyway, and the flood's
 *       next stamp wakes the thread.</li>
 *   <li>The thread counts among the scheduler's live threads from before it starts until it ends
 *       (termination waits for it), and ends once the scheduler is quiescent.</li>
 *   <li>{@code USED} (its own padded cell, opaque: a hint) is set by a stamper that hands out a
 *       coarse stamp, or by a worker that ends a task stamped coarsely ({@link #readingAtUntimedEnd}),
 *       and cleared by the clock thread at each tick; a clock that sees it clear for
 *       {@value #IDLE_TICKS_BEFORE_SLEEP} ticks sleeps. A set lost to the clear only costs the
 *       flood a few precise stamps until it wakes the clock again.</li>
 *   <li>A stamping state ({@link #stamp}) has one writer: a ring's is written under the ring's
 *       lock, a worker's only by the worker; it is a hint for sampling, so a stale reading of
 *       {@code now} only moves which tasks are timed.</li>
 * </ul>
 */
final class CoarseClock implements Runnable {

    private static final Logger LOG = Logger.getLogger(CoarseClock.class.getName());

    static final long TICK_MICROS = 1_000;
    static final long TICK_NANOS = TICK_MICROS * 1_000;
    /** How far ahead of {@code now} a fork is stamped. */
    static final long MARGIN_NANOS = 2 * TICK_NANOS;
    /** Ticks with every worker parked, or without a coarse stamp, before the thread stops ticking. */
    private static final int IDLE_TICKS_BEFORE_SLEEP = 4;
    static final long INVALID = Long.MIN_VALUE;
    /** Precise stamps one queue hands out per tick before the rest of the tick's are coarse ({@link #stamp}). */
    static final int PRECISE_PER_TICK = 16;

    private static final int PAD = 16;
    private static final int NOW = PAD;
    /** 1 once a coarse stamp was handed out since the clock's last tick; on a line of its own. */
    private static final int USED = 3 * PAD;

    private final Scheduler scheduler;
    private final IdleWorkers idle;
    /** {@code now} at index NOW, padded on both sides; see class invariants. */
    private final AtomicLongArray cells = new AtomicLongArray(4 * PAD);
    /** See class invariants. */
    private volatile boolean sleeping;
    /** The clock thread, once made: written once, under {@code this}; volatile so forks read it without the lock. */
    private volatile Thread thread;
    /**
     * Set (under {@code this}) when the factory failed or the scheduler terminated: never try to
     * start again. Volatile: a fork checks it without the lock, so a pool whose factory refused
     * the thread pays no lock per fork.
     */
    private volatile boolean unavailable;

    CoarseClock(Scheduler scheduler, IdleWorkers idle) {
        this.scheduler = scheduler;
        this.idle = idle;
        cells.set(NOW, INVALID);
    }

    /**
     * Whether a scheduler with this ageing check interval may stamp forks with this clock: the two
     * ticks a stamp may be late must fit in one check interval (see {@link Worker#promotionNanos}).
     */
    static boolean usable(long agingCheckIntervalNanos) {
        return agingCheckIntervalNanos >= 2 * MARGIN_NANOS;
    }

    /**
     * The queueing stamp for the next task of one queue (a submission ring, under its lock, or a
     * worker's forks, by the worker), whose sampling state is {@code state[at]} (the tick, or
     * while the clock does not tick the ~1 ms period of the real clock, that the count belongs to)
     * and {@code state[at + 1]} (precise stamps the queue handed out in it); one writer per state.
     * The first {@value #PRECISE_PER_TICK} stamps of each tick are {@linkplain #precise precise},
     * the rest are coarse: the reading two ticks ahead, even. A queue that hands out more than
     * that in a period while the clock does not tick gets it ticking.
     */
    long stamp(long[] state, int at) {
        long c = cells.get(NOW);
        if (c != INVALID) {
            if (state[at] != c) {
                state[at] = c;
                state[at + 1] = 0;
            }
            if (state[at + 1]++ < PRECISE_PER_TICK) {
                return precise();
            }
            if (cells.getOpaque(USED) == 0) {
                cells.setOpaque(USED, 1); // keeps the clock ticking (written once per tick at most)
            }
            return (c + MARGIN_NANOS) & ~1L;
        }
        long real = System.nanoTime();
        countRealReading(state, at, real);
        return real | 1L;
    }

    /**
     * While the clock does not tick: counts one real clock read of a queue (a stamp) or of a
     * worker (the end of an untimed task) in the ~1 ms period of {@code real}, in
     * {@code state[at]} (the period) and {@code state[at + 1]} (reads in it); more than
     * {@value #PRECISE_PER_TICK} in a period is a flood, which gets the clock ticking.
     */
    void countRealReading(long[] state, int at, long real) {
        long period = real >> 20; // ~1 ms
        if (state[at] != period) {
            state[at] = period;
            state[at + 1] = 0;
        }
        if (++state[at + 1] > PRECISE_PER_TICK) {
            wake(); // a flood: stamps become coarse, and ends read no clock, once the clock ticks
        }
    }

    /**
     * A worker's notion of now at the end of an untimed task (one whose stamp was coarse: it
     * belongs to a flood), or {@link #INVALID} while the clock does not tick. A valid reading
     * keeps the clock ticking, as a coarse stamp does: a flood goes on while its tasks are run,
     * even once nothing is forked any more (a fan-out's leaves, the last half of its tasks, fork
     * nothing; with the clock asleep each of them read the real clock, a quarter of B2's tasks).
     */
    long readingAtUntimedEnd() {
        long c = cells.get(NOW);
        if (c != INVALID && cells.getOpaque(USED) == 0) {
            cells.setOpaque(USED, 1); // written once per tick at most, like a coarse stamp's
        }
        return c;
    }

    /** A precise queueing stamp: the real clock, odd (a precise stamp's task is timed). Any thread. */
    static long precise() {
        return System.nanoTime() | 1L;
    }

    /** Whether a queueing stamp is precise (odd): its task is timed by the worker that runs it. */
    static boolean isPrecise(long stamp) {
        return (stamp & 1L) != 0;
    }

    /** The current reading, or {@link #INVALID} while the thread does not tick (a worker's notion of now). Any thread. */
    long reading() {
        return cells.get(NOW);
    }

    /** Gets the clock thread ticking (starting it the first time). */
    private void wake() {
        if (unavailable) {
            return;
        }
        Thread t = thread;
        if (t == null) {
            start();
        } else if (sleeping) {
            sleeping = false;
            LockSupport.unpark(t);
        }
    }

    private synchronized void start() {
        if (thread != null || unavailable || scheduler.isQuiescent()) {
            return;
        }
        try {
            Thread t = scheduler.newThread(this, "clock");
            scheduler.clockStarting();
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                scheduler.clockExited();
                throw e;
            }
            thread = t;
        } catch (RuntimeException | Error e) {
            // Forks read the real clock instead: slower, never wrong.
            unavailable = true;
            LOG.log(Level.WARNING, "Echo could not start the clock thread of scheduler '" + scheduler.name()
                    + "'; forks read the system clock instead", e);
        }
    }

    /** The scheduler terminated: the thread ends (it checks quiescence on every tick). */
    synchronized void stop() {
        unavailable = true;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        try {
            int idleTicks = 0;
            while (!scheduler.isQuiescent()) {
                cells.set(NOW, System.nanoTime());
                boolean used = cells.getOpaque(USED) != 0;
                if (used) {
                    cells.setOpaque(USED, 0);
                }
                idleTicks = idle.allParked() || !used ? idleTicks + 1 : 0;
                if (idleTicks < IDLE_TICKS_BEFORE_SLEEP) {
                    LockSupport.parkNanos(this, TICK_NANOS);
                    continue;
                }
                // Every worker is parked, or no queue floods any more (for a few ticks no coarse
                // stamp, and no worker ended a task that had one): stop ticking. A ticking clock wakes a thread a thousand times a second,
                // which a busy pool at ordinary rates does not need. INVALID first, so a stamp
                // from now on reads the real clock, and a flood wakes us.
                cells.set(NOW, INVALID);
                sleeping = true;
                while (sleeping && !scheduler.isQuiescent()) {
                    LockSupport.park(this);
                }
                sleeping = false;
                idleTicks = 0;
            }
        } finally {
            cells.set(NOW, INVALID);
            scheduler.clockExited();
        }
    }

    /** The current reading, or {@link #INVALID} (for tests). */
    long now() {
        return cells.get(NOW);
    }

    /** Whether the clock thread is parked without a deadline (for tests). */
    boolean isSleeping() {
        return sleeping;
    }
}
