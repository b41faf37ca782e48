package dev.echo.task;

/**
 * A task queued by {@code execute}: nobody holds a future of it, so it is not a
 * {@code CompletableFuture} and needs neither the run/cancel protocol of {@link Task} nor a
 * completion — the body runs, and what it throws is counted as a failure (as for any task whose
 * future nobody reads). Three compare-and-sets fewer per task than {@link Task}, and 24 bytes
 * instead of 56: the priority level rides in two bits of the queueing stamp, so the object is a
 * header, the body and one {@code long} (B7: ~30 bytes per queued task with its ring slot, as
 * ForkJoinPool's; with a priority field of its own it was 32 bytes, 38 with the slot).
 *
 * <p>Invariants: only the worker that took it from a queue runs it ({@link #execute}), once: the
 * queue hands each item to exactly one taker. A task that {@code shutdownNow} returned is in no
 * queue any more; {@link #run} clears the body before it runs it, so the caller running it twice
 * runs it once. {@code stamp} is written by the constructor and by {@link #markQueued} before
 * the task is queued, never after, and read by the worker that takes it (and by workers looking
 * for aged heads); the queue's publication orders the two. Bits 1-2 of {@code stamp} hold the
 * priority level from the constructor on, {@link #markQueued} keeps them; the other bits are the
 * stamp (bit 0 says whether it is precise), so {@link #queuedAtNanos} is the stamp given with
 * bits 1-2 cleared: at most 6 ns earlier, which no wait or ageing decision can tell apart.
 */
public final class PlainTask implements Job {

    /** Bits 1-2 of {@code stamp}: the priority level (see the class comment). */
    private static final long LEVEL_BITS = 0b110L;
    private static final Priority[] BY_LEVEL = Priority.values();

    static {
        if (BY_LEVEL.length > 4) {
            throw new ExceptionInInitializerError("PlainTask keeps a priority level in two bits; there are " + BY_LEVEL.length);
        }
    }

    private Runnable work;
    /** The queueing stamp with the priority level in bits 1-2 (see the class comment). */
    private long stamp;

    /**
     * @param runnable the work
     * @param priority its priority
     */
    public PlainTask(Runnable runnable, Priority priority) {
        this.work = java.util.Objects.requireNonNull(runnable, "runnable");
        this.stamp = (long) java.util.Objects.requireNonNull(priority, "priority").level() << 1;
    }

    @Override
    public Priority priority() {
        return BY_LEVEL[(int) (stamp >>> 1) & 3];
    }

    /** The stamp {@link #markQueued} was given, bits 1-2 cleared (0 before it was queued). */
    @Override
    public long queuedAtNanos() {
        return stamp & ~LEVEL_BITS;
    }

    @Override
    public void markQueued(long nanoTime) {
        this.stamp = (nanoTime & ~LEVEL_BITS) | (stamp & LEVEL_BITS);
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
        return "PlainTask[" + priority() + "]";
    }
}
