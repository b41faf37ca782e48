package dev.echo.task;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A task whose body returns a {@link CompletionStage}: the worker is released as soon as the
 * body returns, and when the stage completes the task is queued again <em>at its priority</em>
 * (the Java form of the seed's Pending/wake) so that its future is completed — and its
 * non-async dependents run — on a scheduler worker, never on the thread that completed the
 * stage.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The body runs once (see {@link Task}); the stage's completion queues this task once
 *       more, through {@code requeue}, after storing the outcome in {@code value}/
 *       {@code failure}/{@code resuming}. Those plain fields are published to the worker that
 *       takes the task by the queue's own hand-off (a volatile write/CAS in the queue).</li>
 *   <li>Cancelling the future while the stage is pending cancels the stage if it is a
 *       {@link Future}; the task is still queued once more when the stage completes, and that
 *       resumption reports {@link Outcome#CANCELLED}.</li>
 * </ul>
 *
 * @param <T> the result type
 */
public class AsyncTask<T> extends Task<T> {

    private Supplier<? extends CompletionStage<T>> body;
    private final Consumer<? super AsyncTask<T>> requeue;
    /** The pending stage, for cancellation; written before the stage can complete. */
    private volatile CompletionStage<T> stage;
    private T value;
    private Throwable failure;
    /** Set (volatile) before the task is queued again; the scheduler reads it to track awaiting tasks. */
    private volatile boolean resuming;

    /**
     * @param body          returns the stage to wait for (must not return {@code null})
     * @param priority      the task's priority, also used for the resumption
     * @param stageExecutor where async dependents of this future run
     * @param requeue       queues this task again (at its priority) when the stage completes
     */
    public AsyncTask(Supplier<? extends CompletionStage<T>> body, Priority priority, Executor stageExecutor,
                     Consumer<? super AsyncTask<T>> requeue) {
        super(priority, stageExecutor);
        this.body = Objects.requireNonNull(body, "body");
        this.requeue = Objects.requireNonNull(requeue, "requeue");
    }

    @Override
    public boolean isResumption() {
        return resuming;
    }

    @Override
    public Outcome execute() {
        if (resuming) {
            return resume();
        }
        return super.execute();
    }

    @Override
    protected Outcome runBody() {
        Supplier<? extends CompletionStage<T>> work = body;
        body = null;
        CompletionStage<T> pending;
        try {
            pending = work.get();
            if (pending == null) {
                throw new NullPointerException("async task body returned null instead of a CompletionStage");
            }
        } catch (Throwable thrown) {
            boolean failed = completeExceptionally(thrown);
            if (thrown instanceof VirtualMachineError) {
                throw (VirtualMachineError) thrown;
            }
            return failed ? Outcome.FAILED : Outcome.CANCELLED;
        }
        stage = pending;
        if (isCancelled()) {
            cancelStage(pending);
        }
        pending.whenComplete((v, e) -> {
            value = v;
            failure = e;
            resuming = true;
            requeue.accept(this);
        });
        return Outcome.SUSPENDED;
    }

    private Outcome resume() {
        Throwable e = failure;
        if (e == null) {
            return complete(value) ? Outcome.COMPLETED : Outcome.CANCELLED;
        }
        if (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return completeExceptionally(e) ? Outcome.FAILED : Outcome.CANCELLED;
    }

    @Override
    protected void onCancelled() {
        CompletionStage<T> pending = stage;
        if (pending != null) {
            cancelStage(pending);
        }
    }

    private static void cancelStage(CompletionStage<?> pending) {
        if (pending instanceof Future<?> future) {
            future.cancel(true);
        } else {
            try {
                pending.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException ignored) {
                // A stage that cannot be cancelled: the task resumes when it completes.
            }
        }
    }
}
