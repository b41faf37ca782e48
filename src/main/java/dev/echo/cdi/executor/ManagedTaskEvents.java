package dev.echo.cdi.executor;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedTaskListener;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls a task's {@link ManagedTaskListener}: {@code taskSubmitted} once accepted,
 * {@code taskStarting} on the worker just before the task runs, {@code taskAborted} when the
 * future is cancelled (queued or running, including when the application stops) or a trigger
 * skipped the run (with the {@code SkippedException}; no {@code taskStarting} then), and
 * {@code taskDone} once, at the end, with the failure if any (none for a skip). A listener that throws is logged
 * and never affects the task.
 */
final class ManagedTaskEvents<T> {

    private static final Logger LOG = Logger.getLogger(ManagedTaskEvents.class.getName());

    private final ManagedTaskListener listener;
    private final CompletableFuture<T> future;
    private final ManagedExecutorService executor;
    private final Object task;

    ManagedTaskEvents(ManagedTaskListener listener, ManagedFuture<T> future, ManagedExecutorService executor, Object task) {
        this.listener = listener;
        this.future = future;
        this.executor = executor;
        this.task = task;
        future.handle((v, e) -> {
            try {
                if (listener != null) {
                    done(e);
                }
            } finally {
                future.reportedNow(); // what follows the end (a trigger's next run) comes after taskDone
            }
            return null;
        });
    }

    void submitted() {
        if (listener != null) {
            call("taskSubmitted", () -> listener.taskSubmitted(future, executor, task));
        }
    }

    void starting() {
        if (listener != null) {
            call("taskStarting", () -> listener.taskStarting(future, executor, task));
        }
    }

    private void done(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof jakarta.enterprise.concurrent.SkippedException) {
            // a trigger skipped the run: it never started, and did not fail (as Liberty's own executor reports it)
            call("taskAborted", () -> listener.taskAborted(future, executor, task, cause));
            call("taskDone", () -> listener.taskDone(future, executor, task, null));
            return;
        }
        if (cause instanceof CancellationException) {
            call("taskAborted", () -> listener.taskAborted(future, executor, task, cause));
        }
        call("taskDone", () -> listener.taskDone(future, executor, task, cause));
    }

    private void call(String what, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "ManagedTaskListener." + what + " of " + task + " threw; the task is not affected", e);
        }
    }
}
