package dev.echo.cdi.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** The {@link ScheduledFuture} of a one-shot delayed task: the managed future plus its due time. */
final class DelayedFuture<T> extends dev.echo.task.ScheduledFutureBase<T> {

    private final CompletableFuture<T> future;
    private final long dueNanos;

    DelayedFuture(CompletableFuture<T> future, long delayNanos) {
        this.future = future;
        // clamped like the scheduler's own delays (Scheduler.MAX_DELAY_NANOS): no overflow
        this.dueNanos = System.nanoTime() + Math.min(Math.max(0, delayNanos), Long.MAX_VALUE / 4);
    }

    @Override
    protected CompletableFuture<T> outcome() {
        return future;
    }

    @Override
    protected long dueNanos() {
        return dueNanos;
    }
}
