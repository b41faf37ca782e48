package dev.echo.action;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of one submitted action: its state, attempts, and the result or typed error.
 *
 * <p>Invariants: {@code state} (volatile) only moves forward to a final state once
 * ({@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}), always together with
 * {@code completion}; {@code current} (volatile) is the Echo task of the attempt queued,
 * delayed or running now, so that {@link #cancel()} can cancel (and interrupt) it.
 */
public final class ActionRun {

    /** Where an action is in its life. */
    public enum State { DELAYED, QUEUED, RUNNING, RETRY_WAIT, SUCCEEDED, FAILED, CANCELLED }

    private final Action action;
    private final AtomicInteger attempts = new AtomicInteger();
    private final CompletableFuture<Object> completion = new CompletableFuture<>();
    private volatile State state;
    private volatile Future<?> current;
    /** The actions this one started with its result (its metadata's next), in order. */
    private final java.util.List<ActionRun> next = new java.util.concurrent.CopyOnWriteArrayList<>();

    ActionRun(Action action, State initial) {
        this.action = action;
        this.state = initial;
    }

    public Action action() {
        return action;
    }

    public State state() {
        return state;
    }

    public int attempts() {
        return attempts.get();
    }

    /** Completes with the function's result, or exceptionally with an {@link ActionException}. */
    public CompletableFuture<Object> completion() {
        return completion;
    }

    /** Cancels the action: a queued or delayed attempt never runs, a running one is interrupted. */
    public boolean cancel() {
        if (!completion.completeExceptionally(new ActionException(ActionException.Kind.CANCELLATION,
                "action " + action.id() + " was cancelled"))) {
            return false;
        }
        state = State.CANCELLED;
        Future<?> f = current;
        if (f != null) {
            f.cancel(true);
        }
        return true;
    }

    /** The runs of the next actions this one started with its result. */
    public java.util.List<ActionRun> next() {
        return java.util.List.copyOf(next);
    }

    void chained(ActionRun child) {
        next.add(child);
    }

    boolean isFinished() {
        return completion.isDone();
    }

    int startAttempt() {
        state = State.RUNNING;
        return attempts.incrementAndGet();
    }

    void waiting(State s, Future<?> task) {
        if (!isFinished()) {
            state = s;
        }
        current = task;
        if (isFinished()) {
            task.cancel(true); // cancelled meanwhile
        }
    }

    void succeed(Object result) {
        if (completion.complete(result)) {
            state = State.SUCCEEDED;
        }
    }

    void fail(ActionException error) {
        if (completion.completeExceptionally(error)) {
            state = State.FAILED;
        }
    }
}
