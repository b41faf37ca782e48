package dev.echo.cdi.executor;

import dev.echo.cdi.config.EchoConfig;
import dev.echo.task.Priority;
import dev.echo.task.Task;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * A task submitted with {@code ManagedTask.LONGRUNNING_HINT=true} runs on a thread of its own
 * from the container's {@code ManagedThreadFactory}, not on an Echo worker: a long-running task
 * must not take one of the pool's workers away from short, prioritised work. Cancel interrupts
 * it; application stop interrupts it.
 */
final class LongRunningTask {

    private LongRunningTask() {
    }

    static <T> Future<T> start(ApplicationScheduler runtime, Callable<T> body, String identity) {
        Task<T> task = new Task<>(body, Priority.NORMAL, null);
        Thread[] self = new Thread[1];
        Thread thread = runtime.threadFactory().newThread(() -> {
            runtime.longRunningStarted(self[0]);
            try {
                task.run();
            } finally {
                runtime.longRunningEnded(self[0]);
            }
        });
        self[0] = thread;
        try {
            thread.setName(runtime.config().name() + "-long-" + (identity != null ? identity : thread.getId()));
        } catch (SecurityException ignored) {
            // keep the factory's name
        }
        thread.start();
        return task;
    }
}
