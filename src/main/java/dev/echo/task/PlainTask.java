package dev.echo.task;

/**
 * A task queued by {@code execute}: nobody holds a future of it, so it is not a
 * {@code CompletableFuture} and needs neither the run/cancel protocol of {@link Task} nor a
 * completion — the body runs, and what it throws is counted as a failure (as for any task whose
 * future nobody reads). Three compare-and-sets fewer per task than {@link Task}, and 32 bytes
 * instead of 56.
 *
 * <p>Invariants: only the worker that took it from a queue runs it ({@link #execute}), once: the
 * queue hands each item to exactly one taker. A task that {@code shutdownNow} returned is in no
 * queue any more; {@link #run} clears the body before it runs it, so the caller running it twice
 * runs it once. {@code queuedAtNanos} is
 * written before the task is queued and read by the worker that takes it; the queue's
 * publication orders the two.
 */
public final class PlainTask implements Job {

    private Runnable work;
    private final Priority priority;
    private long queuedAtNanos;

    /**
     * @param runnable the work
     * @param priority its priority
     */
    public PlainTask(Runnable runnable, Priority priority) {
        this.work = java.util.Objects.requireNonNull(runnable, "runnable");
        this.priority = java.util.Objects.requireNonNull(priority, "priority");
    }

    @Override
    public Priority priority() {
        return priority;
    }

    @Override
    public long queuedAtNanos() {
        return queuedAtNanos;
    }

    @Override
    public void markQueued(long nanoTime) {
        this.queuedAtNanos = nanoTime;
    }

    @Override
    public boolean isResumption() {
        return false;
    }

    /** Never cancelled: nobody holds a future of it. */
    @Override
    public boolean isDone() {
        return false;
    }

    /**
     * Runs the body (the worker that took the task from its queue: the queue hands each task to
     * exactly one taker, so this runs once); never throws, except a {@link VirtualMachineError}
     * from the body. Reads the task and does not write it: a write would take the line the
     * submitter allocated it in away from the submitter's cache once more per task (B1: a fifth
     * of a worker's time was this method's own).
     */
    @Override
    public Outcome execute() {
        Runnable body = work;
        if (body == null) {
            return Outcome.CANCELLED; // run already by whoever shutdownNow returned it to
        }
        return runBody(body);
    }

    private static Outcome runBody(Runnable body) {
        try {
            body.run();
            return Outcome.COMPLETED;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable failure) {
            return Outcome.FAILED;
        }
    }

    /**
     * Runs it on the calling thread, at most once (for a task {@code shutdownNow} returned, which
     * no worker will take): the body is cleared before it runs.
     */
    @Override
    public void run() {
        Runnable body = work;
        if (body != null) {
            work = null;
            runBody(body);
        }
    }

    @Override
    public String toString() {
        return "PlainTask[" + priority + "]";
    }
}
