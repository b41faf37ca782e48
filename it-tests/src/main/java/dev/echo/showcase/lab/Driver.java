package dev.echo.showcase.lab;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts the lab's demo tasks on the executors under test. Experiments run on the driver's own
 * threads (from the container's ManagedThreadFactory), never on an executor under test, so a
 * backlog in one cannot delay the submissions it is measured with. HIGH probes are submitted
 * open-loop at intended instants and each task's wait is measured from its intended instant (a
 * late driver does not hide queueing).
 */
final class Driver {

    private static final Logger LOG = Logger.getLogger(Driver.class.getName());

    private final ExecutorService threads;

    Driver(ThreadFactory factory) {
        this.threads = Executors.newCachedThreadPool(factory);
    }

    /**
     * Runs an experiment's body on a driver thread; a body that throws fails its operation. The
     * ticket is closed when the body ends, however it ends (also if no thread would take it).
     */
    void drive(Operation op, LabBudget.Ticket ticket, Runnable body) {
        try {
            threads.execute(() -> {
                try (ticket) {
                    body.run();
                } catch (java.util.concurrent.CancellationException e) {
                    op.fail("stopped: the application is stopping"); // undeploy interrupts the driver's threads
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "showcase operation " + op.id() + " failed", e);
                    op.fail(e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            ticket.close();
            op.fail("the lab is stopping");
            throw new IllegalStateException("the lab is stopping", e);
        }
    }

    void stop() {
        threads.shutdownNow();
    }

    /** {@code count} HIGH probes on each lane, one every {@code spacingMillis}. */
    void probe(LabBudget.Ticket ticket, List<Lane> lanes, int count, int spacingMillis, Operation op, SideBySide run) {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long intended = t0 + TimeUnit.MILLISECONDS.toNanos((long) spacingMillis * i);
            sleepUntil(intended);
            for (Lane l : lanes) {
                submit(ticket, l, Kind.HIGH, intended, 0, op, run);
            }
        }
    }

    /**
     * Waits until {@code nanoTime}. An interrupt (undeploy stops the driver with shutdownNow) ends
     * the wait with a {@link java.util.concurrent.CancellationException}, the flag kept: parkNanos
     * returns at once while the flag is set, so looping on would spin a core until the deadline.
     */
    static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("interrupted while waiting");
            }
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Submits one demo task under {@code ticket}'s permits; false if no permit is free (the
     * operation's window is full: nothing is submitted) or if the executor refused it (the
     * operation FAILED).
     */
    boolean submit(LabBudget.Ticket ticket, Lane lane, Kind kind, long intendedNanos, long workNanos, Operation op,
                   SideBySide run) {
        long cost = costMillis(workNanos);
        if (!ticket.use(lane.name(), cost)) {
            return false;
        }
        LaneStats stats = lane.stats();
        stats.submitted(kind);
        try {
            lane.executor(kind).execute(() -> {
                try {
                    runTask(lane, kind, intendedNanos, workNanos, op, run);
                } finally {
                    ticket.ended(lane.name(), cost);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            ticket.ended(lane.name(), cost);
            stats.refused(kind);
            if (op != null) {
                // the executor's own words (class names, pool sizes) stay in the log
                java.util.logging.Logger.getLogger(Driver.class.getName()).log(java.util.logging.Level.INFO,
                        "the lab's " + lane.name() + " lane refused a " + kind + " task", dev.echo.action.LogText.safe(e));
                op.fail(lane.name() + " refused a " + kind + " task (its queue is full, or it is stopping)");
            }
            return false;
        }
    }

    /** What one task of {@code workNanos} costs its lane's time budget: its work in ms, at least 1 (submitting and running cost too). */
    static long costMillis(long workNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(workNanos + 999_999));
    }

    /** One demo task: its wait measured from the intended instant, then its "work", which holds its thread. */
    private static void runTask(Lane lane, Kind kind, long intendedNanos, long workNanos, Operation op, SideBySide run) {
        LaneStats stats = lane.stats();
        long wait = System.nanoTime() - intendedNanos;
        stats.started(kind, wait);
        if (run != null) {
            run.probeStarted(lane.name(), wait);
        }
        sleepUntil(System.nanoTime() + workNanos);
        stats.finished(kind);
        if (run != null) {
            run.probeFinished(lane.name());
        }
        if (op != null) {
            op.advance();
        }
    }
}
