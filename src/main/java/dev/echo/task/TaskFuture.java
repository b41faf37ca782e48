package dev.echo.task;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A {@link CompletableFuture} whose asynchronous dependent stages ({@code thenApplyAsync(fn)}
 * and friends without an explicit executor) run on a given executor — the scheduler, at the
 * priority of the task that produced the future — instead of {@code ForkJoinPool.commonPool()}.
 * Uses the JDK's intended extension points {@link #defaultExecutor()} and
 * {@link #newIncompleteFuture()}, so every dependent future inherits the same executor.
 *
 * @param <T> the result type
 */
public class TaskFuture<T> extends CompletableFuture<T> {

    private final Executor stageExecutor;

    /**
     * @param stageExecutor where async dependents run by default; {@code null} keeps the JDK's
     *                      default executor
     */
    public TaskFuture(Executor stageExecutor) {
        this.stageExecutor = stageExecutor;
    }

    @Override
    public Executor defaultExecutor() {
        return stageExecutor != null ? stageExecutor : super.defaultExecutor();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new TaskFuture<>(stageExecutor);
    }
}
