package dev.echo.cdi;

import dev.echo.cdi.config.EchoConfig;
import dev.echo.testing.Blocker;
import dev.echo.testing.ManagedTasks;
import dev.echo.testing.RecordingListener;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ManagedTaskListener.taskDone "is called when a submitted task has completed running, either
 * successfully or failed due to any exception thrown from the task, task being cancelled,
 * rejected, or aborted": the failure and rejection cases, with one worker and a queue of one.
 */
class ListenerOutcomesWeldTest {

    private WeldContainer container;
    private ManagedExecutorService executor;

    @BeforeEach
    void start() {
        System.setProperty(EchoConfig.WORKERS, "1");
        System.setProperty(EchoConfig.QUEUE_CAPACITY, "1");
        System.setProperty(EchoConfig.MAX_WORKERS_KEY, "1"); // no spare may drain the queue of one
        try {
            container = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(EchoBeans.class).initialize();
            executor = container.select(EchoBeans.class).get().executor;
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.QUEUE_CAPACITY);
            System.clearProperty(EchoConfig.MAX_WORKERS_KEY);
        }
    }

    @AfterEach
    void stop() {
        container.close();
    }

    @Test
    void aTaskThatThrowsEndsWithTaskDoneCarryingItsException() throws Exception {
        RecordingListener listener = new RecordingListener();
        Future<Object> f = executor.submit(ManagedTasks.callable(() -> {
            throw new IllegalStateException("task failed");
        }, Map.of(), listener));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("task failed", e.getCause().getMessage());
        assertTrue(listener.done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("submitted", "starting", "done:IllegalStateException"), listener.events);
    }

    @Test
    void aRejectedTaskEndsWithTaskDoneCarryingTheRejection() throws Exception {
        Blocker blocker = new Blocker();
        executor.submit(blocker);
        blocker.awaitStarted();
        executor.submit(() -> "fills the queue of one");
        RecordingListener listener = new RecordingListener();
        assertThrows(RejectedExecutionException.class,
                () -> executor.submit(ManagedTasks.callable(() -> "refused", Map.of(), listener)));
        assertTrue(listener.done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("submitted", "done:RejectedExecutionException"), listener.events);
        blocker.release();
    }
}
