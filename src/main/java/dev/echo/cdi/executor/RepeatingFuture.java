package dev.echo.cdi.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

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
class RepeatingFuture<T> extends dev.echo.task.ScheduledFutureBase<T> {

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
    protected CompletableFuture<T> outcome() {
        return end;
    }

    @Override
    protected long dueNanos() {
        return nextDueNanos;
    }

    /** Also cancels the execution that is queued or running now. */
    @Override
    protected boolean cancelOutcome(boolean mayInterruptIfRunning) {
        boolean cancelled = end.cancel(mayInterruptIfRunning);
        Future<?> running = current;
        if (running != null) {
            running.cancel(mayInterruptIfRunning);
        }
        return cancelled;
    }
}
