package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.cdi.executor.EchoManagedExecutor;
import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty: adding the jar to a WAR makes both executors and the prioritised views resolve to Echo. */
@ExtendWith(ArquillianExtension.class)
class InjectionIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.showcase("injection", InjectionIT.class);
    }

    @Inject
    ManagedExecutorService executor;

    @Inject
    ManagedScheduledExecutorService scheduled;

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @Test
    void bothExecutorsAndTheQualifiedViewAreEcho() throws Exception {
        assertInstanceOf(EchoManagedExecutor.class, executor);
        assertInstanceOf(EchoManagedExecutor.class, scheduled);
        assertEquals(Priority.HIGH, ((EchoManagedExecutor) high).defaultPriority());
        String thread = executor.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        assertTrue(thread.startsWith("echo-worker-"), thread);
        assertEquals("later", scheduled.schedule(() -> "later", 10, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS));
        assertEquals(Priority.HIGH, high.submit(() -> dev.echo.scheduler.Scheduler.currentPriority().orElseThrow())
                .get(30, TimeUnit.SECONDS));
    }

    @Test
    void lifeCycleMethodsThrowIllegalStateException() {
        assertThrows(IllegalStateException.class, executor::shutdown);
        assertThrows(IllegalStateException.class, executor::shutdownNow);
        assertThrows(IllegalStateException.class, executor::isShutdown);
        assertThrows(IllegalStateException.class, executor::isTerminated);
        assertThrows(IllegalStateException.class, () -> executor.awaitTermination(1, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, scheduled::shutdown);
    }

    @Test
    void theFullManagedExecutorApiWorksInTheServer() throws Exception {
        assertEquals(1, executor.completedFuture(1).get());
        assertEquals(2, executor.completedStage(2).toCompletableFuture().get());
        assertTrue(executor.failedFuture(new IllegalStateException()).isCompletedExceptionally());
        assertTrue(executor.failedStage(new IllegalStateException()).toCompletableFuture().isCompletedExceptionally());
        java.util.concurrent.CompletableFuture<String> source = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> copy = executor.copy(source);
        source.complete("copied");
        assertEquals("copied", copy.get(30, TimeUnit.SECONDS));
        assertEquals("supplied", executor.supplyAsync(() -> "supplied").get(30, TimeUnit.SECONDS));
        assertNull(executor.runAsync(() -> { }).get(30, TimeUnit.SECONDS));
        String stageThread = executor.supplyAsync(() -> 1).thenApplyAsync(x -> Thread.currentThread().getName())
                .get(30, TimeUnit.SECONDS);
        assertTrue(stageThread.startsWith("echo-worker-"), stageThread);
        assertNotNull(executor.getContextService());
        assertEquals(java.util.List.of(1, 2), executor.invokeAll(java.util.List.of(() -> 1, () -> 2)).stream().map(f -> {
            try {
                return f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        assertEquals("any", executor.invokeAny(java.util.List.of(() -> "any")));
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ScheduledFuture<Integer> triggered = scheduled.schedule(runs::incrementAndGet,
                new jakarta.enterprise.concurrent.Trigger() {
                    @Override
                    public java.util.Date getNextRunTime(jakarta.enterprise.concurrent.LastExecution last, java.util.Date start) {
                        return runs.get() >= 2 ? null : new java.util.Date(System.currentTimeMillis() + 20);
                    }

                    @Override
                    public boolean skipRun(jakarta.enterprise.concurrent.LastExecution last, java.util.Date at) {
                        return false;
                    }
                });
        assertEquals(2, triggered.get(30, TimeUnit.SECONDS));
    }
}
