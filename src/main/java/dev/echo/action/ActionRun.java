package dev.echo.action;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of one submitted action: its state, attempts, and the result or typed error.
 *
 * <p>Invariants: {@code state} reaches a final state ({@code SUCCEEDED}, {@code FAILED},
 * {@code CANCELLED}) once, by a CAS, and only the winner of that CAS completes
 * {@code completion} — after the state is set, so whoever sees the completion sees the final
 * state. Non-final states are set only while no final state is reached (CAS too).
 * {@code current} (volatile) is the Echo task of the attempt queued, delayed or running now, so
 * that {@link #cancel()} can cancel (and interrupt) it.
 */
public final class ActionRun {

    /** Where an action is in its life. */
    public enum State { DELAYED, QUEUED, RUNNING, RETRY_WAIT, SUCCEEDED, FAILED, CANCELLED }

    private final Action action;
    private final boolean cached;
    private final AtomicInteger attempts = new AtomicInteger();
    private final CompletableFuture<Object> completion = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicReference<State> state;
    private volatile Future<?> current;
    /** The actions this one started with its result (its metadata's next), in order. */
    private final java.util.List<ActionRun> next = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Run once on reaching the final state, before the completion: observers see every end first. */
    private volatile Runnable onFinish = () -> { };

    /**
     * @param attemptsBefore attempts an earlier delivery of this action already started (elsewhere)
     * @param cached         whether the run's result is a cached one (its function is not invoked)
     */
    ActionRun(Action action, State initial, int attemptsBefore, boolean cached) {
        this.cached = cached;
        if (attemptsBefore < 0) {
            throw new IllegalArgumentException("attempts before must not be negative, was " + attemptsBefore);
        }
        this.action = action;
        this.attempts.set(attemptsBefore);
        this.state = new java.util.concurrent.atomic.AtomicReference<>(initial);
    }

    public Action action() {
        return action;
    }

    /**
     * The run's state. A final state is reported only once the completion is done too, so that a
     * reader who sees SUCCEEDED also finds the result (between the two, the run reports RUNNING).
     */
    public State state() {
        State s = state.get();
        return isFinal(s) && !completion.isDone() ? State.RUNNING : s;
    }

    /** The state as decided, final as soon as it is won (for observers called before the completion). */
    State decidedState() {
        return state.get();
    }

    private static boolean isFinal(State s) {
        return s == State.SUCCEEDED || s == State.FAILED || s == State.CANCELLED;
    }

    /** Moves to a non-final state unless a final one was reached. */
    private void moveTo(State next) {
        State s;
        do {
            s = state.get();
            if (isFinal(s)) {
                return;
            }
        } while (!state.compareAndSet(s, next));
    }

    /** Moves to a final state; {@code true} for the one caller that does. */
    private boolean finish(State last) {
        State s;
        do {
            s = state.get();
            if (isFinal(s)) {
                return false;
            }
        } while (!state.compareAndSet(s, last));
        return true;
    }

    /**
     * Whether this run's result came from the result cache ({@code cache-for}): the function was
     * not invoked for it, and it made no attempt.
     */
    public boolean cached() {
        return cached;
    }

    /**
     * Each attempt's timeout, by attempt number (attempts without one are absent): replaced whole
     * under this run's monitor, read without a lock (volatile). A run's attempts follow one another,
     * so the copy is as small as the attempts made, and one entry for the common run.
     */
    private volatile java.util.SortedMap<Integer, java.time.Duration> attemptTimeouts = java.util.Collections.emptySortedMap();

    /**
     * The timeout each attempt ran under, by attempt number, oldest first: the server's
     * ({@code echo.actions.function.<name>.timeout}, adaptive or fixed) or the client's lower one.
     * Attempts that ran without a timeout are absent.
     */
    public java.util.SortedMap<Integer, java.time.Duration> attemptTimeouts() {
        return attemptTimeouts;
    }

    synchronized void attemptTimeout(int attempt, java.time.Duration timeout) {
        java.util.TreeMap<Integer, java.time.Duration> next = new java.util.TreeMap<>(attemptTimeouts);
        next.put(attempt, timeout);
        attemptTimeouts = java.util.Collections.unmodifiableSortedMap(next);
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
        if (!finish(State.CANCELLED)) {
            return false;
        }
        finished();
        completion.completeExceptionally(new ActionException(ActionException.Kind.CANCELLATION,
                "action " + action.id() + " was cancelled"));
        Future<?> f = current;
        if (f != null) {
            f.cancel(true);
        }
        return true;
    }

    void onFinish(Runnable action) {
        this.onFinish = action;
    }

    private void finished() {
        try {
            onFinish.run();
        } catch (RuntimeException | LinkageError e) {
            // an observer must not stop the run from completing
            java.util.logging.Logger.getLogger(ActionRun.class.getName()).log(java.util.logging.Level.WARNING,
                    "an action observer failed for " + action.id(), e);
        }
    }

    /** The runs of the next actions this one started with its result. */
    public java.util.List<ActionRun> next() {
        return java.util.List.copyOf(next);
    }

    void chained(ActionRun child) {
        next.add(child);
    }

    boolean isFinished() {
        return isFinal(state.get());
    }

    int startAttempt() {
        moveTo(State.RUNNING);
        return attempts.incrementAndGet();
    }

    /** The run waits in {@code s}; called <em>before</em> the task it waits for is handed to the scheduler. */
    void waitingIn(State s) {
        moveTo(s);
    }

    /** Guards {@code trackedGeneration}; only the latest task is tracked (not a hot path). */
    private final Object trackLock = new Object();
    private long trackedGeneration = -1;
    private final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();

    /** A ticket taken before a task is created; orders tasks by creation, not by when they are tracked. */
    long nextGeneration() {
        return generations.getAndIncrement();
    }

    /**
     * Tracks {@code task} (for cancel) unless a later one is tracked already: a delayed attempt
     * may start, and be tracked, before the timer task that started it is.
     */
    void track(long generation, Future<?> task) {
        synchronized (trackLock) {
            if (generation < trackedGeneration) {
                return;
            }
            trackedGeneration = generation;
            current = task;
        }
        if (state.get() == State.CANCELLED) {
            task.cancel(true); // cancelled meanwhile: cancel() may have read the previous task
        }
    }

    void succeed(Object result) {
        succeed(result, () -> { });
    }

    /**
     * Succeeds, running {@code beforeCompleting} (e.g. starting the next actions) once the final
     * state is won and before the completion, so whoever sees the result also sees its effects.
     */
    void succeed(Object result, Runnable beforeCompleting) {
        if (finish(State.SUCCEEDED)) {
            try {
                beforeCompleting.run();
            } finally {
                finished();
                completion.complete(result);
            }
        }
    }

    void fail(ActionException error) {
        if (finish(State.FAILED)) {
            finished();
            completion.completeExceptionally(error);
        }
    }
}
