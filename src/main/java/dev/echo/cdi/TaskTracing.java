package dev.echo.cdi;

import dev.echo.task.Priority;

import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Traces Echo's tasks. Optional like the metrics glue: this type names no OpenTelemetry class,
 * and {@link #lookup} touches {@link OpenTelemetryTaskTracing} only once the API is present.
 */
interface TaskTracing {

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
        if (!ConfigLookup.isPresent("io.opentelemetry.api.OpenTelemetry", TaskTracing.class.getClassLoader())) {
            return NONE;
        }
        try {
            return OpenTelemetryTaskTracing.lookup();
        } catch (RuntimeException | LinkageError e) {
            Logger.getLogger(TaskTracing.class.getName()).log(Level.INFO, "Echo: OpenTelemetry unusable; tasks are not traced", e);
            return NONE;
        }
    }
}
