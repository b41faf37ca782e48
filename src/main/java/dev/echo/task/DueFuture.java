package dev.echo.task;

import java.util.concurrent.CompletableFuture;

/**
 * The {@link java.util.concurrent.ScheduledFuture} of a one-shot delayed task: the task's own
 * future (which cancels, and interrupts, as that future does) and when it is due. Used by the SE
 * scheduler's {@code ScheduledExecutorService} methods and by the EE layer's
 * {@code ManagedScheduledExecutorService}. Immutable.
 */
public final class DueFuture<V> extends ScheduledFutureBase<V> {

    private final CompletableFuture<V> future;
    private final long dueNanos;

    /**
     * @param future     the task's future
     * @param delayNanos its delay from now: negative reads as none, and a huge one is clamped (as
     *                   the scheduler clamps delays) so that the due time never overflows
     */
    public DueFuture(CompletableFuture<V> future, long delayNanos) {
        this.future = future;
        this.dueNanos = System.nanoTime() + Math.min(Math.max(0, delayNanos), Long.MAX_VALUE / 4);
    }

    @Override
    protected CompletableFuture<V> outcome() {
        return future;
    }

    @Override
    protected long dueNanos() {
        return dueNanos;
    }

    @Override
    public String toString() {
        return "DueFuture[" + future + "]";
    }
}
