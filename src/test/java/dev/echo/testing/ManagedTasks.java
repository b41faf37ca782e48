package dev.echo.testing;

import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedTaskListener;

import java.util.Map;
import java.util.concurrent.Callable;

/** Test tasks that are ManagedTasks with given execution properties and listener. */
public final class ManagedTasks {

    private ManagedTasks() {
    }

    public static <T> Callable<T> callable(Callable<T> body, Map<String, String> props, ManagedTaskListener listener) {
        class Task implements Callable<T>, ManagedTask {
            @Override
            public T call() throws Exception {
                return body.call();
            }

            @Override
            public ManagedTaskListener getManagedTaskListener() {
                return listener;
            }

            @Override
            public Map<String, String> getExecutionProperties() {
                return props;
            }
        }
        return new Task();
    }

    public static Runnable runnable(Runnable body, Map<String, String> props, ManagedTaskListener listener) {
        class Task implements Runnable, ManagedTask {
            @Override
            public void run() {
                body.run();
            }

            @Override
            public ManagedTaskListener getManagedTaskListener() {
                return listener;
            }

            @Override
            public Map<String, String> getExecutionProperties() {
                return props;
            }
        }
        return new Task();
    }
}
