package dev.echo.cdi.observe;

import dev.echo.cdi.config.OptionalApi;
import dev.echo.task.Priority;

import java.util.concurrent.Callable;

/**
 * Traces Echo's tasks. Optional like the metrics glue: this type names no OpenTelemetry class and
 * loads {@link OpenTelemetryTaskTracing} through {@link OptionalApi}.
 */
public interface TaskTracing {

    /** No telemetry: tasks run as they are. */
    TaskTracing NONE = new TaskTracing() {
        @Override
        public <T> Callable<T> wrap(Callable<T> work, Priority priority, String name, long delayNanos) {
            return work;
        }
    };

    /**
     * Called on the submitting thread, so the submitter's trace context can be captured; the
     * returned callable runs on the worker, inside the task's container context.
     *
     * @param delayNanos for a delayed task, how long after submission it becomes due
     */
    <T> Callable<T> wrap(Callable<T> work, Priority priority, String name, long delayNanos);

    /** The application's OpenTelemetry if mpTelemetry gives one, else {@link #NONE}. */
    static TaskTracing lookup() {
        return OptionalApi.load(OptionalApi.OPENTELEMETRY, () -> OpenTelemetryTaskTracing.lookup(), NONE, "tasks are not traced");
    }
}
