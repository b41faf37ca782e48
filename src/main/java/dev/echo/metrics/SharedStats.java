package dev.echo.metrics;

import dev.echo.task.Priority;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters updated by any thread: submitters, cancellers, the timer. {@link LongAdder}s stripe
 * contended updates over cells, so concurrent submitters do not fight over one cache line.
 */
public final class SharedStats {

    private final LongAdder[] submitted = adders();
    private final LongAdder[] enqueued = adders();
    private final LongAdder[] drained = adders();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder returned = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[Priority.count()];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** A task was accepted. */
    public void submitted(Priority p) {
        submitted[p.level()].increment();
    }

    /** A task became ready to start (entered the ready queues; not for async resumptions). */
    public void enqueued(Priority p) {
        enqueued[p.level()].increment();
    }

    /** A ready task left the queues other than through a worker (shutdownNow's drain). */
    public void drained(Priority p) {
        drained[p.level()].increment();
    }

    public void rejected() {
        rejected.increment();
    }

    public void returned() {
        returned.increment();
    }

    /** A task finished as cancelled on a non-worker thread (delayed or drained). */
    public void cancelled() {
        cancelled.increment();
    }

    public long submitted() {
        long n = 0;
        for (LongAdder a : submitted) {
            n += a.sum();
        }
        return n;
    }

    public long submitted(int level) {
        return submitted[level].sum();
    }

    public long enqueued(int level) {
        return enqueued[level].sum();
    }

    public long drained(int level) {
        return drained[level].sum();
    }

    public long rejectedCount() {
        return rejected.sum();
    }

    public long returnedCount() {
        return returned.sum();
    }

    public long cancelledCount() {
        return cancelled.sum();
    }
}
