package dev.echo.it;

import dev.echo.testing.RecordingListener;
import dev.echo.testing.ManagedTasks;
import dev.echo.testing.Blocker;
import dev.echo.it.support.Deployments;
import dev.echo.cdi.executor.EchoManagedExecutor;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedTaskListener;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty: ManagedTask listeners and execution properties. */
@ExtendWith(ArquillianExtension.class)
class ManagedTaskIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("managedtask", "echo.workers=1\necho.max-workers=1\necho.long-running.max=1\n", ManagedTaskIT.class);
    }

    @Inject
    ManagedExecutorService executor;

    @Test
    void listenersHearSubmittedStartingDoneAndAbortedOnCancel() throws Exception {
        Blocker blocker = new Blocker();
        executor.submit(blocker);
        blocker.awaitStarted(); // the only worker is held: what follows stays queued
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        Future<String> ran = executor.submit(ManagedTasks.callable(() -> "a", Map.of(), a));
        Future<String> cancelled = executor.submit(ManagedTasks.callable(() -> "b", Map.of(), b));
        assertTrue(cancelled.cancel(true));
        blocker.release();
        assertEquals("a", ran.get(30, TimeUnit.SECONDS));
        assertTrue(a.done.await(30, TimeUnit.SECONDS));
        assertTrue(b.done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("submitted", "starting", "done:null"), a.events);
        assertEquals(List.of("submitted", "aborted:CancellationException", "done:CancellationException"), b.events);
    }

    @Test
    void thePriorityPropertyIsHonouredAndABadValueIsRejected() throws Exception {
        Future<Priority> low = executor.submit(ManagedTasks.callable(() -> dev.echo.scheduler.Scheduler.currentPriority().orElseThrow(),
                Map.of(EchoManagedExecutor.PRIORITY_PROPERTY, "LOW"), null));
        assertEquals(Priority.LOW, low.get(30, TimeUnit.SECONDS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> executor.submit(ManagedTasks.callable(
                () -> "x", Map.of(EchoManagedExecutor.PRIORITY_PROPERTY, "SOON"), null)));
        assertTrue(e.getMessage().contains("'dev.echo.priority'") && e.getMessage().contains("'SOON'"), e.getMessage());
        Callable<Priority> seen = () -> dev.echo.scheduler.Scheduler.currentPriority().orElseThrow();
        assertEquals(Priority.NORMAL, executor.submit(seen).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aLongRunningTaskLeavesTheOnlyWorkerFree() throws Exception {
        Blocker longTask = new Blocker();
        Future<?> longOne = executor.submit(ManagedTasks.runnable(longTask,
                Map.of(ManagedTask.LONGRUNNING_HINT, "true", ManagedTask.IDENTITY_NAME, "report"), null));
        longTask.awaitStarted();
        // with echo.workers=1 this only completes if the long task is not on the worker
        assertEquals("short", executor.submit(() -> "short").get(30, TimeUnit.SECONDS));
        // echo.long-running.max=1: a second one at the same time is refused, naming the key
        java.util.concurrent.RejectedExecutionException full = assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> executor.submit(ManagedTasks.runnable(() -> { }, Map.of(ManagedTask.LONGRUNNING_HINT, "true"), null)));
        assertTrue(full.getMessage().contains("echo.long-running.max"), full.getMessage());
        longTask.release();
        longOne.get(30, TimeUnit.SECONDS);
    }
}
