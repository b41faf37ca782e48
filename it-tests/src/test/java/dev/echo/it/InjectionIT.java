package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.cdi.executor.EchoManagedExecutor;
import dev.echo.cdi.executor.ManagedFuture;
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

    /** Whether the calling thread has the application's component context: java:comp resolves only with it. */
    private static boolean hasAppContext() {
        try {
            return new javax.naming.InitialContext().lookup("java:comp/DefaultManagedExecutorService") != null;
        } catch (javax.naming.NamingException e) {
            return false;
        }
    }

    private static String where() {
        return Thread.currentThread().getName() + "@" + dev.echo.scheduler.Scheduler.currentPriority().orElse(null)
                + (hasAppContext() ? "+context" : "-context");
    }

    /** A managed future whose async dependents run on Echo at NORMAL with the application's context. */
    private static void assertManaged(java.util.concurrent.CompletionStage<?> f) throws Exception {
        assertInstanceOf(ManagedFuture.class, f);
        String ran = f.handleAsync((v, e) -> where()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(ran.matches("echo-worker-\\d+@NORMAL\\+context"), ran);
    }

    @Test
    void everyManagedExecutorServiceMethodWorksInTheServer() throws Exception {
        // execute, submit (three forms), runAsync, supplyAsync
        java.util.concurrent.CountDownLatch executed = new java.util.concurrent.CountDownLatch(1);
        executor.execute(executed::countDown);
        assertTrue(executed.await(30, TimeUnit.SECONDS));
        assertTrue(executor.submit(InjectionIT::where).get(30, TimeUnit.SECONDS).endsWith("@NORMAL+context"));
        assertNull(executor.submit(() -> { }).get(30, TimeUnit.SECONDS));
        assertEquals("r", executor.submit(() -> { }, "r").get(30, TimeUnit.SECONDS));
        assertNull(executor.runAsync(() -> { }).get(30, TimeUnit.SECONDS));
        assertTrue(executor.supplyAsync(InjectionIT::where).get(30, TimeUnit.SECONDS).endsWith("@NORMAL+context"));
        // futures made by the executor: managed, dependents on Echo with context
        assertEquals(1, executor.completedFuture(1).get(30, TimeUnit.SECONDS));
        assertManaged(executor.completedFuture(1));
        assertManaged(executor.completedStage(2));
        java.util.concurrent.CompletableFuture<Object> failed = executor.failedFuture(new IllegalStateException("f"));
        assertEquals("f", assertThrows(java.util.concurrent.ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS))
                .getCause().getMessage());
        assertManaged(failed);
        assertManaged(executor.failedStage(new IllegalStateException()));
        java.util.concurrent.CompletableFuture<String> source = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> copy = executor.copy(source);
        java.util.concurrent.CompletionStage<String> stageCopy = executor.copy((java.util.concurrent.CompletionStage<String>) source);
        source.complete("copied");
        assertEquals("copied", copy.get(30, TimeUnit.SECONDS));
        assertManaged(copy);
        assertManaged(stageCopy);
        java.util.concurrent.CompletableFuture<String> incomplete = executor.newIncompleteFuture();
        incomplete.complete("x");
        assertManaged(incomplete);
        // the container's context service, not Echo's no-op fallback: it wraps what it is given
        java.util.concurrent.Callable<String> plain = () -> "plain";
        assertNotSame(plain, executor.getContextService().contextualCallable(plain));
        // invokeAll / invokeAny, plain and timed
        assertEquals(java.util.List.of(1, 2), executor.invokeAll(java.util.List.of(() -> 1, () -> 2)).stream().map(f -> {
            try {
                return f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        assertEquals(1, executor.invokeAll(java.util.List.of(() -> 1), 30, TimeUnit.SECONDS).get(0).get());
        assertEquals("any", executor.invokeAny(java.util.List.of(() -> "any")));
        assertEquals("any", executor.invokeAny(java.util.List.of(() -> "any"), 30, TimeUnit.SECONDS));
        // cancel(true) interrupts the running task
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.Future<?> running = executor.submit(() -> {
            started.countDown();
            try {
                dev.echo.testing.Blocking.untilInterrupted();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        assertTrue(running.cancel(true));
        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "cancel(true) did not interrupt the task");
    }

    @Test
    void everyManagedScheduledExecutorServiceMethodWorksInTheServer() throws Exception {
        // schedule(Callable) and schedule(Runnable) with a delay
        java.util.concurrent.ScheduledFuture<String> later = scheduled.schedule(InjectionIT::where, 10, TimeUnit.MILLISECONDS);
        assertTrue(later.get(30, TimeUnit.SECONDS).endsWith("@NORMAL+context"), "a delayed task has its context");
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        assertNull(scheduled.schedule(ran::countDown, 10, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS));
        // fixed rate and fixed delay: several executions, each with the scheduler's context, then cancel
        java.util.List<String> rateRuns = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch threeAtRate = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.ScheduledFuture<?> rate = scheduled.scheduleAtFixedRate(() -> {
            rateRuns.add(where());
            threeAtRate.countDown();
        }, 0, 10, TimeUnit.MILLISECONDS);
        assertTrue(threeAtRate.await(30, TimeUnit.SECONDS), "fixed-rate executions: " + rateRuns);
        assertTrue(rate.cancel(false));
        assertTrue(rateRuns.stream().allMatch(r -> r.endsWith("+context")), rateRuns.toString());
        java.util.List<String> delayRuns = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch threeWithDelay = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.ScheduledFuture<?> fixedDelay = scheduled.scheduleWithFixedDelay(() -> {
            delayRuns.add(where());
            threeWithDelay.countDown();
        }, 0, 10, TimeUnit.MILLISECONDS);
        assertTrue(threeWithDelay.await(30, TimeUnit.SECONDS), "fixed-delay executions: " + delayRuns);
        assertTrue(fixedDelay.cancel(true));
        assertTrue(delayRuns.stream().allMatch(r -> r.endsWith("+context")), delayRuns.toString());
        // triggers, Callable and Runnable, with LastExecution and the task's identity name
        java.util.List<jakarta.enterprise.concurrent.LastExecution> lasts = new java.util.concurrent.CopyOnWriteArrayList<>();
        jakarta.enterprise.concurrent.Trigger twice = new jakarta.enterprise.concurrent.Trigger() {
            @Override
            public java.util.Date getNextRunTime(jakarta.enterprise.concurrent.LastExecution last, java.util.Date start) {
                if (last != null) {
                    lasts.add(last);
                }
                return lasts.size() >= 2 ? null : new java.util.Date(System.currentTimeMillis() + 10);
            }

            @Override
            public boolean skipRun(jakarta.enterprise.concurrent.LastExecution last, java.util.Date at) {
                return false;
            }
        };
        java.util.concurrent.ScheduledFuture<String> triggered = scheduled.schedule(dev.echo.testing.ManagedTasks.callable(
                InjectionIT::where, java.util.Map.of(jakarta.enterprise.concurrent.ManagedTask.IDENTITY_NAME, "report"), null),
                twice);
        // get() reports the latest execution from the first on; the repetition ends after the second
        assertTrue(triggered.get(30, TimeUnit.SECONDS).contains("@NORMAL+context"));
        dev.echo.testing.Await.until(triggered::isDone, java.time.Duration.ofSeconds(30), () -> "the second execution ended it");
        assertTrue(triggered.get(30, TimeUnit.SECONDS).contains("@NORMAL+context"));
        assertEquals(2, lasts.size());
        assertEquals("report", lasts.get(1).getIdentityName());
        assertNotNull(lasts.get(1).getRunEnd());
        java.util.concurrent.CountDownLatch runnableRuns = new java.util.concurrent.CountDownLatch(1);
        jakarta.enterprise.concurrent.Trigger once = new jakarta.enterprise.concurrent.Trigger() {
            private final java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public java.util.Date getNextRunTime(jakarta.enterprise.concurrent.LastExecution last, java.util.Date start) {
                return fired.getAndSet(true) ? null : new java.util.Date();
            }

            @Override
            public boolean skipRun(jakarta.enterprise.concurrent.LastExecution last, java.util.Date at) {
                return false;
            }
        };
        assertNull(scheduled.schedule((Runnable) runnableRuns::countDown, once).get(30, TimeUnit.SECONDS));
        assertEquals(0, runnableRuns.getCount());
    }
}
