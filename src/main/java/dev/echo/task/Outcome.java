package dev.echo.task;

/** What one execution step of a {@link Task} on a worker ended with; the scheduler counts it. */
public enum Outcome {
    /** The body returned and its value completed the future. */
    COMPLETED,
    /** The body threw and the exception completed the future. */
    FAILED,
    /**
     * The future was already completed by someone else (normally {@code cancel}) before or
     * while the body ran; a task cancelled before it started never runs its body.
     */
    CANCELLED,
    /**
     * An async task's body returned a pending {@code CompletionStage}: the worker is released and
     * the task will be queued again, at its priority, when the stage completes.
     */
    SUSPENDED
}
