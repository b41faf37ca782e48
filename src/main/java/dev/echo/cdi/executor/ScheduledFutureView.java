package dev.echo.cdi.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ScheduledFuture} view over a {@link CompletableFuture}: the one-shot delayed task
 * ({@link DelayedFuture}) and the repeating task ({@link RepeatingFuture}) differ only in what
 * they delegate to and when they are next due.
 */
abstract class ScheduledFutureView<T> implements ScheduledFuture<T> {

    /** Set by the first cancel() that finds the task not yet done; guards that only one wins. */
    private final AtomicBoolean cancelAttempted = new AtomicBoolean();

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

    /**
     * {@code Future.cancel}: fails once the task has completed or was cancelled already (a
     * {@code CompletableFuture} would answer true again), so only one caller ever wins.
     */
    @Override
    public final boolean cancel(boolean mayInterruptIfRunning) {
        if (outcome().isDone() || !cancelAttempted.compareAndSet(false, true)) {
            return false;
        }
        return cancelOutcome(mayInterruptIfRunning);
    }

    /** Cancels what this view reports; true if that made it cancelled. */
    boolean cancelOutcome(boolean mayInterruptIfRunning) {
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
