package dev.echo.scheduler;

import java.util.concurrent.CompletableFuture;

/**
 * The {@link java.util.concurrent.ScheduledFuture} of a one-shot task scheduled through the
 * {@link java.util.concurrent.ScheduledExecutorService} methods: the Echo task's own future
 * (which cancels and interrupts as Echo's tasks do), and when it is due. Immutable.
 */
final class ScheduledView<V> extends dev.echo.task.ScheduledFutureBase<V> {

    private final CompletableFuture<V> task;
    private final long dueNanos;

    ScheduledView(CompletableFuture<V> task, long dueNanos) {
        this.task = task;
        this.dueNanos = dueNanos;
    }

    @Override
    protected CompletableFuture<V> outcome() {
        return task;
    }

    @Override
    protected long dueNanos() {
        return dueNanos;
    }

    @Override
    protected boolean cancelOutcome(boolean mayInterruptIfRunning) {
        return task.cancel(mayInterruptIfRunning);
    }

    @Override
    public String toString() {
        return "ScheduledView[" + task + "]";
    }
}
