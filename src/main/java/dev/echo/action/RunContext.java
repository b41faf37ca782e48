package dev.echo.action;

import java.util.concurrent.Callable;

/**
 * Where a run's code executes: a context captured when the action is submitted and applied
 * around every piece of the run — each attempt's before-hooks and function, its after-hooks, every
 * retry, the attempt a delay ends in, and every chained action. In Jakarta EE this is the
 * submitter's container context (identity, {@code java:comp}, class loader), captured with a
 * {@code ContextService}; in Java SE it is usually {@link #NONE}.
 *
 * <p>An implementation may be called many times, from any thread, also concurrently (two chained
 * actions of one run); it must restore the thread's own context before it returns.
 */
@FunctionalInterface
public interface RunContext {

    /** Runs on the calling thread's own context: nothing is applied. */
    RunContext NONE = Callable::call;

    /** Runs {@code body} in the captured context and returns its result (or throws what it threw). */
    Object call(Callable<Object> body) throws Exception;
}
