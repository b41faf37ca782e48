package dev.echo.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The run state and termination accounting of one {@link Scheduler}: whether it still accepts
 * work, how many accepted tasks have not finished, and how many of its threads still run.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code state} is RUNNING, SHUTDOWN or STOP and only moves forward (written under
 *       {@code this}; volatile so every submission reads it without a lock).</li>
 *   <li>{@code pending} counts accepted tasks that have not finished (queued, delayed, running,
 *       async-awaiting), plus dependent stages accepted internally. Workers subtract their
 *       finished tasks in batches (when they run out of work, and after every task once the
 *       scheduler is shutting down), so {@code pending} may over-count but never under-counts:
 *       termination can be late by one batch flush, never early. A worker that holds such
 *       unsubtracted finishes accounts for a task it forks by consuming one of them instead of
 *       incrementing {@code pending} (the over-count shrinks by one as the true count grows by
 *       one); its own running task keeps {@code pending} above zero meanwhile. A worker without
 *       such credits, while the scheduler runs, takes a batch of counts at once with one CAS and
 *       keeps the unused ones as credits: again an over-count, returned by its next flush. Each
 *       submission ring of outside threads holds such credits too (under its lock, see
 *       {@code Scheduler.admitOutside}); shutdown and shutdownNow take them back after moving the
 *       state, so they never hold termination off. Its
 *       {@link #TERMINATED_BIT} is set by one CAS from exactly {@code 0} once shut down; after
 *       that nothing is ever accepted again. Increments are CAS loops that refuse once the bit
 *       is set, so no task can slip in after the workers were told to exit.</li>
 *   <li>A submission first increments {@code pending}, then checks {@code state}; shutdown
 *       first sets {@code state}, then reads {@code pending}. Either the submitter sees the
 *       shutdown (and backs out, re-checking termination) or shutdown sees its increment.</li>
 *   <li>{@code liveThreads}, guarded by {@code lock}, counts worker and timer threads still
 *       running; the scheduler is terminated when the bit is set and it reaches 0
 *       ({@code terminated} is signalled then).</li>
 * </ul>
 */
final class RunState {

    static final long TERMINATED_BIT = 1L << 62;

    static final int RUNNING = 0;
    static final int SHUTDOWN = 1;
    static final int STOP = 2;

    /**
     * {@code pending} (see class invariants) is the one element in the middle of this array: the
     * padding keeps it off the cache line of {@code state} and of any object allocated next to it.
     * Workers CAS it once per batch while every submission and every finished task reads
     * {@code state}; sharing a line, each CAS cost every reader a cache miss (B1, two submitters).
     */
    private final AtomicLongArray cells = new AtomicLongArray(2 * PAD);
    private static final int PAD = 16;
    private static final int PENDING = PAD;
    /** See class invariants. */
    private volatile int state = RUNNING;
    /** Guards {@code liveThreads}; {@code terminated} is signalled when the scheduler terminates. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();
    private int liveThreads;
    /** Run once, by the thread that sets the terminated bit: tells the threads to exit. */
    private final Runnable onQuiescent;

    RunState(Runnable onQuiescent) {
        this.onQuiescent = onQuiescent;
    }

    int state() {
        return state;
    }

    /** {@code true} until shutdown or shutdownNow. */
    boolean isRunning() {
        return state == RUNNING;
    }

    /** Moves the state forward to {@code target} (never back). */
    void advanceTo(int target) {
        synchronized (this) {
            if (state < target) {
                state = target;
            }
        }
    }

    /** One more accepted task, unless terminated (CAS loop: +1 unless the bit is set). */
    boolean tryAccept() {
        return tryAccept(1);
    }

    /**
     * {@code n} more accepted tasks, unless terminated: a worker takes counts in advance and
     * holds the ones it has not used yet as credits (an over-count, see the class invariants).
     */
    boolean tryAccept(long n) {
        while (true) {
            long c = cells.get(PENDING);
            if ((c & TERMINATED_BIT) != 0) {
                return false;
            }
            if (cells.compareAndSet(PENDING, c, c + n)) {
                return true;
            }
        }
    }

    /** {@code n} accepted tasks reached their end. */
    void finished(long n) {
        long c = cells.addAndGet(PENDING, -n);
        if (c == 0 && state != RUNNING) {
            tryTerminate();
        }
    }

    /** Whether the terminated bit is set: nothing is pending and nothing will be accepted. */
    boolean isQuiescent() {
        return (cells.get(PENDING) & TERMINATED_BIT) != 0;
    }

    /** Sets the terminated bit if shut down with nothing pending, and then tells the threads. */
    void tryTerminate() {
        if (state == RUNNING || !cells.compareAndSet(PENDING, 0, TERMINATED_BIT)) {
            return;
        }
        onQuiescent.run();
    }

    /** The worker threads are about to start. */
    void threadsStarting(int n) {
        lock.lock();
        try {
            liveThreads += n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A worker or the timer thread ended.
     *
     * @return whether that made the scheduler terminated
     */
    boolean threadExited() {
        lock.lock();
        try {
            if (--liveThreads == 0 && isQuiescent()) {
                terminated.signalAll();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    boolean isTerminated() {
        lock.lock();
        try {
            return isQuiescent() && liveThreads == 0;
        } finally {
            lock.unlock();
        }
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!(isQuiescent() && liveThreads == 0)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
