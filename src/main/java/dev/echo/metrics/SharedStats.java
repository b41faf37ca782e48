package dev.echo.metrics;

import dev.echo.task.Priority;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters updated by any thread: submitters, cancellers, the timer. {@link LongAdder}s stripe
 * contended updates over cells, so concurrent submitters do not fight over one cache line.
 */
public final class SharedStats {

    /** Accepted and queued at once: counts as submitted and as entering the ready queues. */
    private final LongAdder[] acceptedReady = adders();
    /** Accepted with a delay: submitted, but not ready until due. */
    private final LongAdder[] acceptedDelayed = adders();
    /** Delayed tasks that became due and entered the ready queues. */
    private final LongAdder[] delayedDue = adders();
    private final LongAdder[] drained = adders();
    private final LongAdder[] rejected = adders();
    private final LongAdder returned = new LongAdder();
    private final LongAdder[] cancelled = adders();
    /** Timer-thread tasks ({@code Scheduler.onTimer}) are always HIGH: no per-level split. */
    private final LongAdder completedOffWorker = new LongAdder();
    private final LongAdder failedOffWorker = new LongAdder();

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[Priority.count()];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** A task was accepted and queued ready to start: one adder update on the hot path. */
    public void acceptedReady(Priority p) {
        acceptedReady[p.level()].increment();
    }

    /** A task was accepted with a delay. */
    public void acceptedDelayed(Priority p) {
        acceptedDelayed[p.level()].increment();
    }

    /** A delayed task became due and entered the ready queues. */
    public void delayedDue(Priority p) {
        delayedDue[p.level()].increment();
    }

    /** A ready task left the queues other than through a worker (shutdownNow's drain). */
    public void drained(Priority p) {
        drained[p.level()].increment();
    }

    public void rejected(Priority p) {
        rejected[p.level()].increment();
    }

    public void returned() {
        returned.increment();
    }

    /** A task finished as cancelled on a non-worker thread (delayed or drained). */
    public void cancelled(Priority p) {
        cancelled[p.level()].increment();
    }

    /** A task run by the timer thread itself completed. */
    public void completedOffWorker() {
        completedOffWorker.increment();
    }

    /** A task run by the timer thread itself failed. */
    public void failedOffWorker() {
        failedOffWorker.increment();
    }

    public long completedOffWorkerCount() {
        return completedOffWorker.sum();
    }

    public long failedOffWorkerCount() {
        return failedOffWorker.sum();
    }

    public long submitted() {
        long n = 0;
        for (int l = 0; l < Priority.count(); l++) {
            n += submitted(l);
        }
        return n;
    }

    public long submitted(int level) {
        return acceptedReady[level].sum() + acceptedDelayed[level].sum();
    }

    /** Tasks that entered the ready queues at {@code level} (not counting async resumptions). */
    public long enqueued(int level) {
        return acceptedReady[level].sum() + delayedDue[level].sum();
    }

    public long drained(int level) {
        return drained[level].sum();
    }

    public long rejectedCount() {
        return sum(rejected);
    }

    public long rejected(int level) {
        return rejected[level].sum();
    }

    public long returnedCount() {
        return returned.sum();
    }

    public long cancelledCount() {
        return sum(cancelled);
    }

    public long cancelled(int level) {
        return cancelled[level].sum();
    }

    private static long sum(LongAdder[] adders) {
        long n = 0;
        for (LongAdder a : adders) {
            n += a.sum();
        }
        return n;
    }
}
