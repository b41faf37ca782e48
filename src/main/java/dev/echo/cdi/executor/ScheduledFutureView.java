package dev.echo.cdi.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ScheduledFuture} view over a {@link CompletableFuture}: the one-shot delayed task
 * ({@link DelayedFuture}) and the repeating task ({@link RepeatingFuture}) differ only in what
 * they delegate to and when they are next due.
 */
abstract class ScheduledFutureView<T> implements ScheduledFuture<T> {

    /** The future whose outcome this view reports. */
    abstract CompletableFuture<T> outcome();

    /** When the task is next due, in {@link System#nanoTime()} terms. */
    abstract long dueNanos();

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(dueNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return outcome().cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return outcome().isCancelled();
    }

    @Override
    public boolean isDone() {
        return outcome().isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return outcome().get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return outcome().get(timeout, unit);
    }
}
