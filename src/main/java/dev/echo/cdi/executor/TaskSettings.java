package dev.echo.cdi.executor;

import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedTaskListener;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a submitted object asks for: its priority ({@value EchoManagedExecutor#PRIORITY_PROPERTY}
 * execution property, else {@link EchoPriority} on its class, else the view's default), its
 * {@link ManagedTaskListener}, {@link ManagedTask#IDENTITY_NAME} and
 * {@link ManagedTask#LONGRUNNING_HINT}. A bad priority value is rejected with a message naming
 * the property and the value.
 */
record TaskSettings(Priority priority, ManagedTaskListener listener, String identityName, boolean longRunning) {

    static TaskSettings of(Object task, Priority viewDefault) {
        Map<String, String> props = EchoManagedExecutor.properties(task);
        Priority priority = viewDefault;
        EchoPriority annotated = task.getClass().getAnnotation(EchoPriority.class);
        if (annotated != null) {
            priority = annotated.value();
        }
        String requested = props.get(EchoManagedExecutor.PRIORITY_PROPERTY);
        if (requested != null) {
            try {
                priority = Priority.parse(requested);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("execution property '" + EchoManagedExecutor.PRIORITY_PROPERTY
                        + "' must be one of HIGH, NORMAL, LOW, was '" + requested + "'", e);
            }
        }
        ManagedTaskListener listener = task instanceof ManagedTask m ? m.getManagedTaskListener() : null;
        String identity = props.get(ManagedTask.IDENTITY_NAME);
        boolean longRunning = Boolean.parseBoolean(props.get(ManagedTask.LONGRUNNING_HINT));
        return new TaskSettings(priority, listener, identity == null || identity.isBlank() ? null : identity.strip(),
                longRunning);
    }

    /** Runs {@code work} with the thread named after the task's identity (the worker restores it). */
    static <T> T named(String identity, Callable<T> work) throws Exception {
        Thread self = Thread.currentThread();
        String base = self.getName();
        self.setName(base + " [" + identity + "]");
        try {
            return work.call();
        } finally {
            self.setName(base);
        }
    }
}
