package dev.echo.task;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ScheduledFuture} over a {@link CompletableFuture} that holds the outcome: the delay to
 * the next due time, ordering by it, and a {@code cancel} that answers false once the outcome is
 * done or another cancel won, as {@code Future.cancel} says (a {@code CompletableFuture} would
 * answer true again). Shared by the futures of {@code Scheduler}'s {@code ScheduledExecutorService}
 * methods (a one-shot task's own future; a periodic task's end) and by the EE layer's delayed,
 * periodic and trigger futures. Invariant: {@code cancelAttempted} (CAS) is set by the one cancel
 * that goes on to cancel the outcome.
 */
public abstract class ScheduledFutureBase<V> implements ScheduledFuture<V> {

    private final AtomicBoolean cancelAttempted = new AtomicBoolean();

    /** The future that holds the outcome. */
    protected abstract CompletableFuture<V> outcome();

    /** When the task is next due, in {@link System#nanoTime()} terms. */
    protected abstract long dueNanos();

    /** Cancels what {@link #outcome()} reports (and what runs for it); true if that made it cancelled. */
    protected boolean cancelOutcome(boolean mayInterruptIfRunning) {
        return outcome().cancel(mayInterruptIfRunning);
    }

    @Override
    public final long getDelay(TimeUnit unit) {
        return unit.convert(dueNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public final int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public final boolean cancel(boolean mayInterruptIfRunning) {
        if (outcome().isDone() || !cancelAttempted.compareAndSet(false, true)) {
            return false;
        }
        return cancelOutcome(mayInterruptIfRunning);
    }

    @Override
    public final boolean isCancelled() {
        return outcome().isCancelled();
    }

    @Override
    public final boolean isDone() {
        return outcome().isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        return outcome().get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return outcome().get(timeout, unit);
    }
}
