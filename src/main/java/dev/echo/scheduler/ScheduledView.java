package dev.echo.scheduler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link ScheduledFuture} of a one-shot task scheduled through the
 * {@link java.util.concurrent.ScheduledExecutorService} methods: the Echo task's own future (which
 * cancels and interrupts as Echo's tasks do), and when it is due. The task's future holds the
 * state; {@code cancelAttempted} (CAS) lets one cancel win.
 */
final class ScheduledView<V> implements ScheduledFuture<V> {

    private final CompletableFuture<V> task;
    private final long dueNanos;
    /** CAS'd by the first cancel that finds the task not done: a second cancel answers false, as Future.cancel says. */
    private final java.util.concurrent.atomic.AtomicBoolean cancelAttempted = new java.util.concurrent.atomic.AtomicBoolean();

    ScheduledView(CompletableFuture<V> task, long dueNanos) {
        this.task = task;
        this.dueNanos = dueNanos;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    /** Fails once the task completed or was cancelled (a {@code CompletableFuture} would answer true again). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (task.isDone() || !cancelAttempted.compareAndSet(false, true)) {
            return false;
        }
        return task.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return task.isCancelled();
    }

    @Override
    public boolean isDone() {
        return task.isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        return task.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return task.get(timeout, unit);
    }

    @Override
    public String toString() {
        return "ScheduledView[" + task + "]";
    }
}
