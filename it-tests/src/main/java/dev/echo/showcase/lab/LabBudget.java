package dev.echo.showcase.lab;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hard caps on what the lab may have going at once, whoever asks: tasks committed (queued,
 * running, or promised by an operation still submitting) and operations driven by a driver
 * thread. An operation reserves its whole planned task count before it submits anything; a
 * request that would pass a cap is refused ({@link LabBusyException}, a 429) and starts nothing.
 *
 * <h2>Invariants</h2>
 * {@code committed} = the permits of open tickets + the tasks of closed tickets not yet ended; it
 * never exceeds {@link #MAX_TASKS} through {@link #reserve} (a CAS loop: two requests cannot both
 * take the last room). {@code driven} counts open tickets of driven operations and never exceeds
 * {@link #MAX_DRIVEN}. Every permit returns to the lab exactly once (see {@link Ticket#free}).
 */
public final class LabBudget {

    /** Most tasks committed at once: one maximal LOW backlog on both executors. */
    public static final long MAX_TASKS = 400_000;
    /** Most experiments with a driver thread (probes, floods, side-by-side) at once. */
    public static final int MAX_DRIVEN = 4;

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
     * One operation's reservation: a pool of permits, one per task in flight. A task takes a
     * permit when it is submitted and gives it back to the ticket when it ends, so an operation
     * that submits for a long time (a flood) needs only its window, not its total. Once closed,
     * free permits go back to the lab at once and the others as their tasks end.
     */
    final class Ticket implements AutoCloseable {
        /**
         * Free permits while open (>= 0); after close a large negative number, so that a task
         * ending later sees a negative value and returns its permit to the lab, not to the ticket.
         * One atomic word for both facts: a task ending while the ticket closes is counted once.
         */
        private final AtomicLong free;
        private final boolean isDriven;

        private Ticket(long tasks, boolean isDriven) {
            this.free = new AtomicLong(tasks);
            this.isDriven = isDriven;
        }

        /** Takes a permit for one task about to be submitted; false if none is free (or closed). */
        boolean use() {
            return free.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
        }

        /** A task of this ticket has ended (ran, failed or was refused): its permit comes back. */
        void ended() {
            if (free.getAndIncrement() < 0) {
                committed.decrementAndGet();
            }
        }

        /** Returns the free permits (and the driven slot) once; later calls do nothing. */
        @Override
        public void close() {
            long wasFree = free.getAndSet(CLOSED);
            if (wasFree < 0) {
                return; // already closed
            }
            committed.addAndGet(-wasFree);
            if (isDriven) {
                driven.decrementAndGet();
            }
        }
    }

    /** A closed ticket's value: far below zero, however many of its tasks end afterwards. */
    private static final long CLOSED = Long.MIN_VALUE / 2;

    /**
     * Reserves {@code tasks} for one operation ({@code isDriven}: it has a driver thread).
     *
     * @throws LabBusyException when either cap would be passed
     */
    Ticket reserve(long tasks, boolean isDriven) {
        if (isDriven) {
            int d;
            do {
                d = driven.get();
                if (d >= MAX_DRIVEN) {
                    throw new LabBusyException(MAX_DRIVEN + " experiments are already running; try again when one has finished");
                }
            } while (!driven.compareAndSet(d, d + 1));
        }
        long c;
        do {
            c = committed.get();
            if (c + tasks > MAX_TASKS) {
                if (isDriven) {
                    driven.decrementAndGet();
                }
                throw new LabBusyException("the lab has " + c + " tasks in progress and at most " + MAX_TASKS
                        + " at once; this needs " + tasks + ": try again when some have finished");
            }
        } while (!committed.compareAndSet(c, c + tasks));
        return new Ticket(tasks, isDriven);
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
