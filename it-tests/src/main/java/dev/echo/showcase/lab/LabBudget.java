package dev.echo.showcase.lab;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hard caps on what the lab may have going at once, whoever asks: tasks committed (queued,
 * running, or promised by an operation still submitting), operations driven by a driver thread,
 * and — per executor — task time: the milliseconds of work its committed tasks hold (each task
 * counts its work, at least 1 ms). Counting tasks alone let one anonymous request queue 200,000
 * tasks of 100 ms on Liberty's default executor, which also serves HTTP: unrelated requests timed
 * out for minutes. So Liberty's lane may hold at most {@link #LIBERTY_LANE_MILLIS} ms of work
 * (its threads drain that in well under a second, and an HTTP request waits behind no more), and
 * Echo's, whose threads serve no HTTP, {@link #ECHO_LANE_MILLIS}. An operation reserves its
 * planned tasks and their time before it submits anything; a request that would pass a cap is
 * refused ({@link LabBusyException}, a 429) and starts nothing.
 *
 * <h2>Invariants</h2>
 * {@code committed} = the permits of open tickets + the tasks of closed tickets not yet ended; it
 * never exceeds {@link #MAX_TASKS} through {@link #reserve} (a CAS loop: two requests cannot both
 * take the last room). {@code laneMillis} holds the same per lane in milliseconds and never exceeds
 * the lane's cap (the same CAS loop per lane; a reservation refused on one lane gives back what it
 * took on the others). {@code driven} counts open tickets of driven operations and never exceeds
 * {@link #MAX_DRIVEN}. Every permit and every millisecond returns to the lab exactly once (see
 * {@link Pool}).
 */
public final class LabBudget {

    /** Most tasks committed at once: one maximal LOW backlog on both executors. */
    public static final long MAX_TASKS = 400_000;
    /** Most experiments with a driver thread (probes, floods, side-by-side) at once. */
    public static final int MAX_DRIVEN = 4;
    /** Most milliseconds of task work queued or running on Liberty's default executor (it serves HTTP too). */
    public static final long LIBERTY_LANE_MILLIS = 2_000;
    /** Most milliseconds of task work queued or running on Echo's executor. */
    public static final long ECHO_LANE_MILLIS = 1_000_000;

    /** What a lane's tasks may hold at once, in milliseconds of work. */
    static long laneCap(String lane) {
        return "liberty".equals(lane) ? LIBERTY_LANE_MILLIS : ECHO_LANE_MILLIS;
    }

    /** Guarded by CAS in {@link #reserve}; the milliseconds of work committed per lane. */
    private final java.util.Map<String, AtomicLong> laneMillis = java.util.Map.of("echo", new AtomicLong(),
            "liberty", new AtomicLong());

    /** Guarded by CAS in {@link #reserve}; decremented as tasks end and tickets close. */
    private final AtomicLong committed = new AtomicLong();
    /** Guarded by CAS in {@link #reserve}; decremented when a driven ticket closes. */
    private final AtomicInteger driven = new AtomicInteger();

    /** A request the caps refuse: nothing was started. */
    public static final class LabBusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LabBusyException(String message) {
            super(message);
        }
    }

    /**
     * Something an operation holds out of a lab-wide counter: taken per task when it is
     * submitted and given back to the pool when it ends, so an operation that submits for a long
     * time (a flood) needs only its window. Once closed, the free amount goes back to the lab at
     * once and the rest as the tasks end.
     */
    private static final class Pool {
        /**
         * Free amount while open (>= 0); after close a large negative number, so that a task
         * ending later sees a negative value and returns its share to the lab, not to the pool.
         * One atomic word for both facts: a task ending while the pool closes is counted once.
         */
        private final AtomicLong free;
        private final AtomicLong lab;

        Pool(long amount, AtomicLong lab) {
            this.free = new AtomicLong(amount);
            this.lab = lab;
        }

        boolean take(long n) {
            return free.getAndUpdate(f -> f >= n ? f - n : f) >= n;
        }

        void giveBack(long n) {
            if (free.getAndAdd(n) < 0) {
                lab.addAndGet(-n);
            }
        }

        void close() {
            long wasFree = free.getAndSet(CLOSED);
            if (wasFree >= 0) {
                lab.addAndGet(-wasFree);
            }
        }
    }

    /** One operation's reservation: permits (one per task in flight) and each lane's milliseconds of work. */
    final class Ticket implements AutoCloseable {
        private final Pool tasks;
        private final java.util.Map<String, Pool> time;
        private final boolean isDriven;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private Ticket(long tasks, java.util.Map<String, Long> millis, boolean isDriven) {
            this.tasks = new Pool(tasks, committed);
            java.util.Map<String, Pool> t = new java.util.HashMap<>();
            millis.forEach((lane, ms) -> t.put(lane, new Pool(ms, laneMillis.get(lane))));
            this.time = java.util.Map.copyOf(t);
            this.isDriven = isDriven;
        }

        /** Takes a permit for one task about to be submitted; false if none is free (or closed). */
        boolean use() {
            return tasks.take(1);
        }

        /**
         * Takes a permit and {@code millis} of {@code lane}'s time for one task about to be
         * submitted there; false (nothing taken) if either is used up, or the ticket is closed.
         */
        boolean use(String lane, long millis) {
            Pool pool = time.get(lane);
            if (pool == null || !tasks.take(1)) {
                return false;
            }
            if (!pool.take(millis)) {
                tasks.giveBack(1);
                return false;
            }
            return true;
        }

        /** A task of this ticket has ended (ran, failed or was refused): its permit comes back. */
        void ended() {
            tasks.giveBack(1);
        }

        /** A task of {@code lane} holding {@code millis} has ended: its permit and its time come back. */
        void ended(String lane, long millis) {
            tasks.giveBack(1);
            time.get(lane).giveBack(millis);
        }

        /** Returns the free permits, time (and the driven slot) once; later calls do nothing. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return; // already closed
            }
            tasks.close();
            time.values().forEach(Pool::close);
            if (isDriven) {
                driven.decrementAndGet();
            }
        }
    }

    /** A closed ticket's value: far below zero, however many of its tasks end afterwards. */
    private static final long CLOSED = Long.MIN_VALUE / 2;

    /**
     * Reserves {@code tasks} for one operation ({@code isDriven}: it has a driver thread), without
     * time on any lane (such a ticket can only {@link Ticket#use()}).
     *
     * @throws LabBusyException when either cap would be passed
     */
    Ticket reserve(long tasks, boolean isDriven) {
        return reserve(tasks, java.util.Map.of(), isDriven);
    }

    /**
     * Reserves {@code tasks} and, per lane, {@code millis} of work for one operation.
     *
     * @throws LabBusyException when a cap would be passed: nothing is reserved then
     */
    Ticket reserve(long tasks, java.util.Map<String, Long> millis, boolean isDriven) {
        if (isDriven) {
            int d;
            do {
                d = driven.get();
                if (d >= MAX_DRIVEN) {
                    throw new LabBusyException(MAX_DRIVEN + " experiments are already running; try again when one has finished");
                }
            } while (!driven.compareAndSet(d, d + 1));
        }
        java.util.Map<String, Long> taken = new java.util.HashMap<>();
        try {
            long c;
            do {
                c = committed.get();
                if (c + tasks > MAX_TASKS) {
                    throw new LabBusyException("the lab has " + c + " tasks in progress and at most " + MAX_TASKS
                            + " at once; this needs " + tasks + ": try again when some have finished");
                }
            } while (!committed.compareAndSet(c, c + tasks));
            taken.put("", tasks);
            for (var e : millis.entrySet()) {
                AtomicLong lane = laneMillis.get(e.getKey());
                long cap = laneCap(e.getKey());
                long held;
                do {
                    held = lane.get();
                    if (held + e.getValue() > cap) {
                        throw new LabBusyException("the " + e.getKey() + " executor has " + held + " ms of lab work in"
                                + " progress and may hold at most " + cap + " ms" + ("liberty".equals(e.getKey())
                                ? " (it serves HTTP requests too)" : "") + "; this needs " + e.getValue()
                                + " ms: try again when some has finished, or ask for less");
                    }
                } while (!lane.compareAndSet(held, held + e.getValue()));
                taken.put(e.getKey(), e.getValue());
            }
        } catch (LabBusyException refused) {
            taken.forEach((k, v) -> (k.isEmpty() ? committed : laneMillis.get(k)).addAndGet(-v));
            if (isDriven) {
                driven.decrementAndGet();
            }
            throw refused;
        }
        return new Ticket(tasks, millis, isDriven);
    }

    /** Milliseconds of lab work in progress on {@code lane} (for the dashboard). */
    public long laneMillis(String lane) {
        return laneMillis.get(lane).get();
    }

    /** Tasks committed now (for the dashboard). */
    public long committed() {
        return committed.get();
    }

    /** Driven experiments running now (for the dashboard). */
    public int driven() {
        return driven.get();
    }
}
