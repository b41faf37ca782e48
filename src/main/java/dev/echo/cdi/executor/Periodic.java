package dev.echo.cdi.executor;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * {@code scheduleAtFixedRate} / {@code scheduleWithFixedDelay}: one Echo delayed task at a time;
 * each completion queues the next. Context is captured once, on the thread that scheduled, and
 * every execution runs with it. Executions never overlap; a late fixed-rate execution is followed
 * at once by the next (no catch-up burst beyond one).
 */
final class Periodic {

    private Periodic() {
    }

    static ScheduledFuture<?> start(EchoManagedExecutor executor, Runnable command, long initialDelayNanos,
                                    long periodNanos, boolean fixedRate) {
        Callable<Object> contextual = executor.runtime().contextService().contextualCallable(() -> {
            command.run();
            return null;
        });
        RepeatingFuture<Object> future = new RepeatingFuture<>();
        long firstDue = System.nanoTime() + Math.max(0, initialDelayNanos);
        run(executor, command, contextual, future, firstDue, periodNanos, fixedRate);
        return future;
    }

    private static void run(EchoManagedExecutor executor, Runnable command, Callable<Object> contextual,
                            RepeatingFuture<Object> future, long dueNanos, long periodNanos, boolean fixedRate) {
        if (future.isDone()) {
            return;
        }
        long delay = Math.max(0, dueNanos - System.nanoTime());
        CompletableFuture<Object> execution = executor.submitTask(contextual, command, delay, true);
        future.next(execution, dueNanos);
        execution.whenComplete((v, e) -> {
            if (e != null) {
                future.end.completeExceptionally(e);
                return;
            }
            long next = fixedRate ? Math.max(dueNanos + periodNanos, System.nanoTime()) : System.nanoTime() + periodNanos;
            run(executor, command, contextual, future, next, periodNanos, fixedRate);
        });
    }
}
