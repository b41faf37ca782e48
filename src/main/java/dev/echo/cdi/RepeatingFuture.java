package dev.echo.cdi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a repeating task (fixed rate, fixed delay, {@code Trigger}). It ends when the
 * repetition ends (a trigger returns no next time: completes with the last result), when an
 * execution fails (completes with that failure; no further execution), or when cancelled
 * (the pending or running execution is cancelled too).
 *
 * <p>Invariants: {@code current} (volatile) is the execution queued or running now; it is
 * replaced only by the completion of the previous one, and {@link #cancel} reads it after
 * completing {@code end}, so either the scheduler sees {@code end} done and schedules nothing
 * more, or cancel sees the newest execution and cancels it.
 */
final class RepeatingFuture<T> implements ScheduledFuture<T> {

    final CompletableFuture<T> end = new CompletableFuture<>();
    private volatile Future<?> current;
    private volatile long nextDueNanos;

    void next(Future<?> execution, long dueNanos) {
        this.nextDueNanos = dueNanos;
        this.current = execution;
        if (end.isDone()) {
            execution.cancel(true);
        }
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(nextDueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = end.cancel(mayInterruptIfRunning);
        Future<?> running = current;
        if (running != null) {
            running.cancel(mayInterruptIfRunning);
        }
        return cancelled;
    }

    @Override
    public boolean isCancelled() {
        return end.isCancelled();
    }

    @Override
    public boolean isDone() {
        return end.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return end.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return end.get(timeout, unit);
    }
}
