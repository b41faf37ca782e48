package dev.echo.scheduler;

import dev.echo.task.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Holds delayed tasks until they are due, without holding a worker: one timer thread (made by
 * the scheduler's thread factory, started on the first delayed task) waits on a
 * {@link DelayQueue} and hands each due task to the scheduler's ready queues at its priority.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Each entry leaves the delay queue exactly once: by the timer's {@code take}, by a
 *       cancellation's {@code remove}, or by {@link #drain} — the {@link DelayQueue}'s own lock
 *       makes these exclusive — and whoever removes it accounts for it.</li>
 *   <li>{@code thread} is started at most once, under {@code this}'s monitor, and before any
 *       task is held: a task is accepted as delayed only once the timer exists.</li>
 *   <li>The timer thread survives whatever a hand-off or a timer action throws; a task whose
 *       hand-off failed is failed and accounted for, so a stop still terminates.</li>
 * </ul>
 */
final class DelayedTasks implements Runnable {

    private static final Logger LOG = Logger.getLogger(DelayedTasks.class.getName());

    private final Scheduler scheduler;
    private final DelayQueue<Entry> queue = new DelayQueue<>();
    /** Internal entries (the stall watch) waiting now: not tasks, so not in {@link #size()}. */
    private final java.util.concurrent.atomic.AtomicInteger internal = new java.util.concurrent.atomic.AtomicInteger();
    /** Breaks ties between equal due times in submission order. */
    private final AtomicLong sequence = new AtomicLong();
    /** Guarded by {@code this}. */
    private Thread thread;
    /** Guarded by {@code this}: no timer thread may start once the scheduler terminated. */
    private boolean stopped;

    DelayedTasks(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Holds {@code task} for {@code delayNanos} (at most {@link Scheduler#MAX_DELAY_NANOS}); the
     * task is already counted as accepted, and {@link #ensureTimer()} succeeded.
     */
    void schedule(Task<?> task, long delayNanos) {
        Entry entry = new Entry(task, null, System.nanoTime() + delayNanos, sequence.getAndIncrement());
        queue.add(entry);
        // A cancelled delayed task must not keep the scheduler alive until its due time.
        task.whenComplete((v, e) -> {
            if (task.isCancelled() && queue.remove(entry)) {
                scheduler.delayedCancelled(task);
            }
        });
    }

    /**
     * Runs {@code action} on the timer thread after {@code delayNanos}: an internal entry, not a
     * task (uncounted, never returned by {@link #drain}, never delaying termination). The caller
     * made sure the timer exists ({@link #ensureTimer()}).
     */
    void scheduleInternal(Runnable action, long delayNanos) {
        internal.incrementAndGet();
        queue.add(new Entry(null, action, System.nanoTime() + delayNanos, sequence.getAndIncrement()));
    }

    /**
     * Starts the timer thread on the first delayed task. Throws if the thread factory cannot make
     * it (returns null or throws): the caller then refuses the task, so nothing is left waiting
     * for a timer that does not exist; a later delayed task tries again.
     */
    synchronized void ensureTimer() {
        if (thread != null || stopped) {
            return;
        }
        Thread t = scheduler.newThread(this, "timer");
        scheduler.timerStarting(); // counted before it runs, so termination waits for it
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            scheduler.timerExited(); // it never ran
            throw e;
        }
        thread = t;
    }

    /** Stops the timer thread (the scheduler has terminated: nothing is left to fire). */
    synchronized void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** {@code true} if a timer thread was started (and so counts among the live threads). */
    synchronized boolean started() {
        return thread != null;
    }

    /** Removes every waiting task, for shutdownNow. */
    List<Task<?>> drain() {
        List<Task<?>> drained = new ArrayList<>();
        for (Entry e : queue.toArray(new Entry[0])) {
            if (e.task != null && queue.remove(e)) {
                drained.add(e.task);
            }
        }
        return drained;
    }

    /** Delayed tasks not yet due. */
    int size() {
        return Math.max(0, queue.size() - internal.get());
    }

    @Override
    public void run() {
        try {
            while (!scheduler.isQuiescent()) {
                Entry due;
                try {
                    due = queue.take();
                } catch (InterruptedException e) {
                    continue; // re-check: interrupted by stop()
                }
                if (due.task == null) {
                    internal.decrementAndGet();
                    try {
                        due.action.run();
                    } catch (Throwable e) {
                        LOG.log(Level.SEVERE, "an internal timer action failed; the timer goes on", e);
                    }
                    continue;
                }
                try {
                    scheduler.delayedDue(due.task);
                } catch (Throwable e) {
                    // The timer must outlive anything a hand-off throws (an OutOfMemoryError while
                    // queueing, say): every later delayed task depends on it. The task fails.
                    LOG.log(Level.SEVERE, "could not queue due task " + due.task + "; it fails, the timer goes on", e);
                    scheduler.handOffFailed(due.task, e);
                }
            }
        } finally {
            scheduler.timerExited();
        }
    }

    private static final class Entry implements Delayed {
        /** The delayed task, or null for an internal entry. */
        final Task<?> task;
        /** An internal entry's action, or null for a task. */
        final Runnable action;
        final long dueNanos;
        final long seq;

        Entry(Task<?> task, Runnable action, long dueNanos, long seq) {
            this.task = task;
            this.action = action;
            this.dueNanos = dueNanos;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Entry o = (Entry) other;
            int c = Long.compare(dueNanos - o.dueNanos, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
