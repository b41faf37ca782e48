package dev.echo.task;

import java.util.concurrent.Executor;

/**
 * A task queued by {@code execute}: nobody holds a future of it, so it needs neither the
 * run/cancel protocol of {@link Task} nor a completion — the body runs, and what it throws is
 * counted as a failure (as for any task whose future nobody reads). Three compare-and-sets per
 * task fewer than {@link Task} on the hot path.
 *
 * <p>Invariants: only the worker that took it from a queue runs it, once: the queue hands each
 * item to exactly one taker, and {@link #takeWork()} leaves nothing to run a second time (a task
 * that {@code shutdownNow} returned and the caller runs twice runs once).
 */
public final class PlainTask extends Task<Void> {

    /**
     * @param runnable      the work
     * @param priority      its priority
     * @param stageExecutor the scheduler's executor for this priority (unused: no dependents)
     */
    public PlainTask(Runnable runnable, Priority priority, Executor stageExecutor) {
        super(runnable, priority, stageExecutor);
    }

    /** Runs the body once; never throws, except a {@link VirtualMachineError} from the body. */
    @Override
    public Outcome execute() {
        Runnable body = (Runnable) takeWork();
        if (body == null) {
            return Outcome.CANCELLED; // already run
        }
        try {
            body.run();
            return Outcome.COMPLETED;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable failure) {
            return Outcome.FAILED;
        }
    }
}
