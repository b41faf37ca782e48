package dev.echo.action;

import java.time.Duration;

/** Told what actions do, for metrics; implementations must be cheap and thread-safe. */
public interface ActionObserver {

    /** A failed attempt will be retried after {@code wait}. */
    default void retrying(Action action, int failedAttempt, Duration wait) {
    }

    /** A run reached its final state after {@code attempts} attempts, {@code elapsed} after it was started. */
    default void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
    }
}
