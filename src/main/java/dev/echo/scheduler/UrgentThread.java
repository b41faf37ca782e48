package dev.echo.scheduler;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The urgent thread: one thread beyond the workers that runs {@code HIGH} tasks while every worker
 * is busy, so that a {@code HIGH} task does not wait for a lower-priority task to end.
 *
 * <p>Why. A running task cannot be pre-empted. Without this thread a {@code HIGH} task submitted
 * while every worker runs a {@code LOW} task waits for the first of them to end — and when the
 * machine has fewer cores than runnable threads, also for the operating system to give that worker
 * its core back: B3 (2 workers busy with 1 ms {@code LOW} tasks on 2 cores) measured a {@code HIGH}
 * p99 of 3.6 ms, no better than a {@code ThreadPoolExecutor} with a priority queue. A thread that
 * sleeps until {@code HIGH} work comes is run by the operating system as soon as it is woken: the
 * same benchmark with one extra thread for {@code HIGH} tasks measured a p99 of 0.14-0.32 ms
 * (docs/benchmarks.md, "Issue 13, fifth session"). The running {@code LOW} task is not stopped; it
 * shares the cores for a moment.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>It runs tasks of the most urgent level only, taken one at a time from the submission
 *       queues and then the workers' queues of that level; it owns no queue, promotes no aged task,
 *       and runs each task with the same accounting as a worker ({@link Worker}, {@code urgent}).</li>
 *   <li>It is made from the scheduler's thread factory by the first {@code HIGH} task published
 *       while every worker is busy (none parked, none searching); it takes one unit of the spares'
 *       budget ({@code maxWorkers - workerCount}) for its whole life, so at most {@code maxWorkers}
 *       tasks run at once; with no unit free it is not made (the next such task tries again), and
 *       without a budget ({@code maxWorkers == workerCount}) there is no urgent thread.</li>
 *   <li>{@code thread} is written once, under {@code this}; {@code unavailable} (volatile) is set,
 *       under {@code this}, when the factory failed or the scheduler terminated: no further try.</li>
 *   <li>{@code waiting} (volatile) guards the thread's park: the thread sets it, then a full fence,
 *       then looks at the queues once more before parking; a waker publishes its task (push and
 *       inject end with a full fence), then reads it and, if set, clears it and unparks. Either
 *       the waker reads the flag set, or the thread's last look sees the task. A lost wake-up
 *       could only cost latency anyway: workers take {@code HIGH} tasks first.</li>
 *   <li>It counts among the scheduler's live threads from before it starts until it ends, and it
 *       ends once the scheduler is quiescent ({@link #stop} wakes it for that).</li>
 * </ul>
 */
final class UrgentThread {

    private static final Logger LOG = Logger.getLogger(UrgentThread.class.getName());

    private final Scheduler scheduler;
    private final Spares budget;
    /** The urgent thread's loop and statistics (kept after it ends, for the metrics). */
    final Worker worker;
    /** Made once; see class invariants. */
    private volatile Thread thread;
    /** See class invariants. */
    private volatile boolean unavailable;
    /** Set by the parking thread, cleared by a waker; see class invariants. */
    private volatile boolean waiting;

    UrgentThread(Scheduler scheduler, Spares budget, Worker worker) {
        this.scheduler = scheduler;
        this.budget = budget;
        this.worker = worker;
    }

    /**
     * A {@code HIGH} task was published while every worker is busy: gets the urgent thread
     * running (making it the first time). Any thread, after the publication's full fence.
     */
    void wake() {
        Thread t = thread;
        if (t == null) {
            if (!unavailable) {
                start();
            }
        } else if (waiting) {
            waiting = false;
            LockSupport.unpark(t);
        }
    }

    private synchronized void start() {
        if (thread != null || unavailable || scheduler.isQuiescent() || !budget.reserve()) {
            return;
        }
        try {
            Thread t = scheduler.newThread(worker, "urgent");
            worker.attach(t);
            scheduler.spareStarting(); // counts among the live threads until it exits
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                scheduler.spareExited();
                throw e;
            }
            thread = t;
        } catch (RuntimeException | Error e) {
            budget.release();
            unavailable = true;
            LOG.log(Level.WARNING, "Echo scheduler '" + scheduler.name() + "' could not start its urgent thread; "
                    + "HIGH tasks wait for a worker instead", e);
        }
    }

    /** Whether the thread was made (it may have ended since, once the scheduler terminated). */
    boolean started() {
        return thread != null;
    }

    /** The urgent thread, before its last look at the queues: see class invariants. */
    void announceWait() {
        waiting = true;
        VarHandle.fullFence(); // the flag before the look (StoreLoad), as the waker's publication before its read
    }

    /** The urgent thread found work after {@link #announceWait}. */
    void cancelWait() {
        waiting = false;
    }

    /** Whether the urgent thread should keep parking. */
    boolean isWaiting() {
        return waiting;
    }

    /** The urgent thread's loop ended. */
    void exited() {
        budget.release();
    }

    /** The scheduler is quiescent: no new thread, and a parked one wakes up to exit. */
    synchronized void stop() {
        unavailable = true;
        Thread t = thread;
        if (t != null) {
            waiting = false;
            LockSupport.unpark(t);
        }
    }

    /** shutdownNow: interrupts the task the urgent thread runs, if any. */
    void interrupt() {
        if (thread != null) {
            worker.interrupt();
        }
    }
}
