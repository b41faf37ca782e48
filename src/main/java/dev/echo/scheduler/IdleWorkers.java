package dev.echo.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who is searching for work and who is parked, and the wake-up rule: a submission wakes a parked
 * worker only when no worker is searching already (no thundering herd), and never loses a
 * wake-up.
 *
 * <h2>State</h2>
 * {@code state} packs two counts in one {@link AtomicLong} so both change in one atomic step:
 * high 32 bits = workers not parked ("unparked"), low 32 bits = workers searching for work.
 * The stack of parked workers ({@code sleepers}) and each worker's {@code sleeping} flag are
 * guarded by {@code lock}; the lock is only taken on the slow paths (parking, waking), never by
 * a submission that finds every worker busy or one already searching.
 *
 * <h2>Why no wake-up is lost</h2>
 * A submitter (1) makes its task visible in a queue, then (2) reads {@code state}. A worker that
 * is about to park (a) pushes itself on the stack and decrements {@code unparked} in one atomic
 * update, then (b) looks at every queue once more. All four are sequentially consistent
 * operations, so either (2) comes after (a) — the submitter sees a parked worker and wakes one —
 * or (1) comes before (b) — the worker sees the task and cancels its park. A submitter that sees
 * a searcher skips the wake-up; that searcher either finds work (and, if it was the last
 * searcher, wakes another worker to keep looking) or parks through (a)/(b) and sees the task.
 */
final class IdleWorkers {

    private static final long ONE_UNPARKED = 1L << 32;
    private static final long ONE_SEARCHING = 1L;

    private final int workerCount;
    /** (unparked << 32) | searching; see class comment. */
    private final AtomicLong state;
    /** Guards {@code sleepers}, {@code sleeperCount}, {@code closed} and writes of {@code Worker.sleeping}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Worker[] sleepers;
    private int sleeperCount;
    private boolean closed;

    IdleWorkers(int workerCount) {
        this.workerCount = workerCount;
        this.state = new AtomicLong(workerCount * ONE_UNPARKED);
        this.sleepers = new Worker[workerCount];
    }

    private static int searching(long s) {
        return (int) (s & 0xFFFF_FFFFL);
    }

    private static int unparked(long s) {
        return (int) (s >>> 32);
    }

    /**
     * Registers the caller as searching, unless half the workers search already (more
     * searchers would only burn CPU fighting over the same queues).
     */
    boolean tryStartSearching() {
        while (true) {
            long s = state.get();
            if (2 * searching(s) >= Math.max(2, workerCount)) {
                return false;
            }
            if (state.compareAndSet(s, s + ONE_SEARCHING)) {
                return true;
            }
        }
    }

    /**
     * The caller stops searching (it found work).
     *
     * @return {@code true} if it was the last searcher: it must then call {@link #notifyOne()}
     *         so that someone keeps looking for the work that may follow
     */
    boolean stopSearching() {
        return searching(state.getAndAdd(-ONE_SEARCHING)) == 1;
    }

    /**
     * Wakes one parked worker if nobody is searching and somebody is parked.
     *
     * @return whether every worker was busy (none parked, none searching): the work just
     *         published waits for a worker to finish a task
     */
    boolean notifyOne() {
        long s = state.get();
        if (searching(s) != 0 || unparked(s) >= workerCount) {
            // fast path: a searcher will find the work, or nobody is parked
            return searching(s) == 0;
        }
        Worker woken;
        lock.lock();
        try {
            s = state.get();
            if (searching(s) != 0 || sleeperCount == 0 || closed) {
                return false;
            }
            woken = sleepers[--sleeperCount];
            sleepers[sleeperCount] = null;
            woken.sleeping = false;
            // The woken worker comes back as a searcher: later submitters need not wake more.
            state.addAndGet(ONE_UNPARKED + ONE_SEARCHING);
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(woken.thread());
        return false;
    }

    /** Every worker is parked. A hint. */
    boolean allParked() {
        return unparked(state.get()) == 0;
    }

    /** Every worker runs a task now: none parked, none searching. A hint. */
    boolean allBusy() {
        long s = state.get();
        return searching(s) == 0 && unparked(s) >= workerCount;
    }

    /**
     * Announces that {@code worker} is about to park. The caller must then look at every queue
     * once more and either {@link #cancelPark} (if it found work) or wait while
     * {@code worker.sleeping}.
     *
     * @param wasSearching whether the caller was counted as searching
     * @return {@code false} if the pool is closing: do not park, exit
     */
    boolean announcePark(Worker worker, boolean wasSearching) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            sleepers[sleeperCount++] = worker;
            worker.sleeping = true;
            state.addAndGet(-ONE_UNPARKED - (wasSearching ? ONE_SEARCHING : 0));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Withdraws a park announced by {@link #announcePark}.
     *
     * @return {@code true} if withdrawn; {@code false} if a waker got there first, in which
     *         case the caller is already counted as unparked <em>and searching</em>
     */
    boolean cancelPark(Worker worker) {
        lock.lock();
        try {
            if (!worker.sleeping) {
                return false;
            }
            for (int i = 0; i < sleeperCount; i++) {
                if (sleepers[i] == worker) {
                    System.arraycopy(sleepers, i + 1, sleepers, i, sleeperCount - i - 1);
                    sleepers[--sleeperCount] = null;
                    break;
                }
            }
            worker.sleeping = false;
            state.addAndGet(ONE_UNPARKED);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further parks and wakes every parked worker; they find the pool closed and exit. */
    void closeAndWakeAll() {
        List<Worker> woken = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (int i = 0; i < sleeperCount; i++) {
                sleepers[i].sleeping = false;
                woken.add(sleepers[i]);
                sleepers[i] = null;
            }
            sleeperCount = 0;
        } finally {
            lock.unlock();
        }
        for (Worker w : woken) {
            LockSupport.unpark(w.thread());
        }
    }

    /** Workers parked now (approximate while they come and go). */
    int parkedCount() {
        return Math.max(0, workerCount - unparked(state.get()));
    }

    /** Workers searching now (approximate). */
    int searchingCount() {
        return searching(state.get());
    }
}
