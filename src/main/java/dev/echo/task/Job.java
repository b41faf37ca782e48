package dev.echo.task;

/**
 * What the scheduler's queues hold: work at a {@link Priority}, stamped when it enters a queue,
 * that a worker runs once. {@link Task} (the future of {@code submit}) is one; {@link PlainTask}
 * (what {@code execute} queues: no future, fewer bytes) is another.
 */
public interface Job extends Runnable {

    Priority priority();

    /**
     * When the job last entered a queue: the stamp given to {@link #markQueued} (a
     * {@link System#nanoTime()} reading), to within a few nanoseconds and with its bit 0 kept
     * ({@link PlainTask} keeps its priority in bits 1-2).
     */
    long queuedAtNanos();

    /** Stamps the queueing time; called before the job is handed to a queue (whose publication makes it visible). */
    void markQueued(long nanoTime);

    /**
     * Runs the job on the calling thread (a worker). Never throws, except a
     * {@link VirtualMachineError} from the body.
     */
    Outcome execute();

    /** {@code true} if the next {@link #execute()} only resumes an async task whose stage completed. */
    boolean isResumption();

    /** {@code true} if the job ended without running (it was cancelled while queued). */
    boolean isDone();
}
