package dev.echo.action;

import java.time.Duration;

/** Told what actions do, for metrics; implementations must be cheap and thread-safe. */
public interface ActionObserver {

    /**
     * Attempt {@code attempt} of {@code action} is starting on the calling thread (a worker). Counts
     * continue across servers: an action redelivered after its server died starts at the attempt
     * after the last one any server started.
     */
    default void started(Action action, int attempt) {
    }

    /** A failed attempt will be retried after {@code wait}. */
    default void retrying(Action action, int failedAttempt, Duration wait) {
    }

    /**
     * The scheduler refused to queue an attempt or a chained start of {@code action} ({@code why});
     * the run ends FAILED with {@link ActionException.Kind#REFUSED}, and {@link #finished} follows.
     */
    default void refused(Action action, String why) {
    }

    /**
     * A submission of {@code action}, whose function caches its results ({@code cache-for}), found
     * a cached result ({@code hit}: its run is SUCCEEDED at once, the function not invoked) or not.
     */
    default void cacheLookup(Action action, boolean hit) {
    }

    /** A run reached its final state after {@code attempts} attempts, {@code elapsed} after it was started. */
    default void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
    }
}
