package dev.echo.action;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The attempt a {@link Sequence} is running on the calling thread: which action (its id is the
 * run's id) and which attempt of it, counted from 1 across every delivery of the action. Set
 * around the before-hooks and the function, and around the after-hooks, of each attempt; empty
 * anywhere else. What the EE layer builds its run view from (the function's {@code CurrentRun}).
 *
 * @param action  the action being run
 * @param attempt the attempt number, 1 for the first
 */
public record CurrentAttempt(Action action, int attempt) {

    private static final ThreadLocal<CurrentAttempt> CURRENT = new ThreadLocal<>();

    /** The attempt running on this thread, if a sequence runs one. */
    public static Optional<CurrentAttempt> get() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Runs {@code body} with {@code this} as the current attempt, restoring the previous one after. */
    <T> T call(Callable<T> body) throws Exception {
        CurrentAttempt previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
