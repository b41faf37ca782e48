package dev.echo.cdi.executor;

import jakarta.enterprise.concurrent.SkippedException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a task scheduled with a {@code Trigger}: "the last result of the task"
 * ({@code ManagedScheduledExecutorService.schedule}). {@code get()} waits until the first
 * execution ends (ran or was skipped); from then on it reports the latest one at once: its
 * result, or — "once this task is skipped, the state of its Future's result will throw a
 * SkippedException" ({@code Trigger.skipRun}) — a {@link SkippedException} (whose cause is what
 * {@code skipRun} threw, if it threw), until a later execution runs. When the repetition ends it
 * reports how it ended: the final execution's result or skip, the failure that ended it (an
 * {@link ExecutionException}), or its cancellation. {@code isDone()} is true once the repetition
 * has ended or was cancelled: a trigger that keeps skipping is not done, but its {@code get()}
 * does not block. A {@code SkippedException} is thrown as itself (it is an
 * {@code ExecutionException}), never wrapped in another.
 *
 * <p>Invariants: {@code latest} (volatile) is written by the thread that ends an execution,
 * before it completes {@code firstEnded}; {@code firstEnded} completes once, at the first
 * execution's end or at the end of the repetition, whichever is first; readers wait on it, then
 * read {@code end} (final) before {@code latest}.
 */
final class TriggerFuture<T> extends RepeatingFuture<T> {

    /** The latest execution: its result, or its skip. */
    private record Latest<T>(T result, SkippedException skip) {
    }

    private volatile Latest<T> latest;
    private final CompletableFuture<Void> firstEnded = new CompletableFuture<>();

    TriggerFuture() {
        end.whenComplete((v, e) -> firstEnded.complete(null));
    }

    /** An execution ran and returned {@code result}. */
    void ran(T result) {
        latest = new Latest<>(result, null);
        firstEnded.complete(null);
    }

    /** An execution was skipped. */
    void skipped(SkippedException skip) {
        latest = new Latest<>(null, skip);
        firstEnded.complete(null);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        try {
            firstEnded.get();
        } catch (ExecutionException never) {
            throw new IllegalStateException(never); // completed only normally
        }
        return report();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            firstEnded.get(timeout, unit);
        } catch (ExecutionException never) {
            throw new IllegalStateException(never);
        }
        return report();
    }

    private T report() throws ExecutionException {
        if (end.isDone()) {
            try {
                return end.join();
            } catch (CancellationException e) {
                throw e;
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SkippedException skip) {
                    throw skip;
                }
                throw new ExecutionException(cause);
            }
        }
        Latest<T> l = latest;
        if (l.skip() != null) {
            throw l.skip();
        }
        return l.result();
    }
}
