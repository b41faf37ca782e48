package dev.echo.cdi;

import dev.echo.testing.Blocker;
import dev.echo.testing.ManagedTasks;
import dev.echo.testing.RecordingListener;
import dev.echo.cdi.executor.EchoManagedExecutor;
import dev.echo.cdi.executor.ManagedFuture;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedTaskListener;
import jakarta.enterprise.concurrent.Trigger;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The extension's wiring in a CDI SE container (Weld), outside any server. */
@EnableWeld
class EchoExtensionWeldTest {

    @WeldSetup
    WeldInitiator weld = EchoWeld.initiator(EchoBeans.class);

    @Inject
    EchoBeans beans;

    @Test
    void bothExecutorsAndThePrioritisedViewsResolveToEcho() {
        assertInstanceOf(EchoManagedExecutor.class, beans.executor);
        assertInstanceOf(EchoManagedExecutor.class, beans.scheduled);
        assertEquals(Priority.NORMAL, ((EchoManagedExecutor) beans.executor).defaultPriority());
        assertEquals(Priority.HIGH, ((EchoManagedExecutor) beans.high).defaultPriority());
        assertEquals(Priority.LOW, ((EchoManagedExecutor) beans.lowScheduled).defaultPriority());
        ManagedExecutorService viaLiteral = weld.select(ManagedExecutorService.class, EchoPriority.Literal.of(Priority.LOW)).get();
        assertEquals(Priority.LOW, ((EchoManagedExecutor) viaLiteral).defaultPriority());
    }

    @Test
    void tasksRunOnEchoWorkersAtTheViewsPriority() throws Exception {
        Callable<String> where = () -> Thread.currentThread().getName() + "@"
                + dev.echo.scheduler.Scheduler.currentPriority().orElse(null);
        assertTrue(beans.executor.submit(where).get(10, TimeUnit.SECONDS).matches("echo-worker-\\d+@NORMAL"));
        assertTrue(beans.high.submit(where).get(10, TimeUnit.SECONDS).endsWith("@HIGH"));
    }

    @Test
    void lifeCycleMethodsBelongToTheContainer() {
        ManagedExecutorService e = beans.executor;
        IllegalStateException ex = assertThrows(IllegalStateException.class, e::shutdown);
        assertTrue(ex.getMessage().contains("3.1.6.1"), ex.getMessage());
        assertThrows(IllegalStateException.class, e::shutdownNow);
        assertThrows(IllegalStateException.class, e::isShutdown);
        assertThrows(IllegalStateException.class, e::isTerminated);
        assertThrows(IllegalStateException.class, () -> e.awaitTermination(1, TimeUnit.SECONDS));
    }

    /** Where a stage ran: the thread and the Echo priority of the task running there. */
    private static String where() {
        return Thread.currentThread().getName() + "@" + dev.echo.scheduler.Scheduler.currentPriority().orElse(null);
    }

    /** Asserts that {@code f} is one of Echo's futures and that its async dependents run on Echo at {@code priority}. */
    private static void assertManagedOnEcho(CompletionStage<?> f, Priority priority) throws Exception {
        assertInstanceOf(ManagedFuture.class, f);
        String ran = f.handleAsync((v, e) -> where()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(ran.matches("echo-worker-\\d+@" + priority), ran);
    }

    @Test
    void completedFailedCopiedAndIncompleteFuturesAreManagedAndTheirDependentsRunOnEcho() throws Exception {
        ManagedExecutorService e = beans.high; // the view's priority is what dependents get
        CompletableFuture<Integer> completed = e.completedFuture(3);
        assertEquals(3, completed.get(10, TimeUnit.SECONDS));
        assertManagedOnEcho(completed, Priority.HIGH);
        CompletionStage<Integer> completedStage = e.completedStage(4);
        assertEquals(4, completedStage.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertManagedOnEcho(completedStage, Priority.HIGH);

        CompletableFuture<Integer> failed = e.failedFuture(new IllegalStateException("f"));
        ExecutionException cause = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
        assertEquals("f", cause.getCause().getMessage());
        assertManagedOnEcho(failed, Priority.HIGH);
        CompletionStage<Integer> failedStage = e.failedStage(new IllegalArgumentException("g"));
        assertTrue(failedStage.toCompletableFuture().isCompletedExceptionally());
        assertManagedOnEcho(failedStage, Priority.HIGH);
        assertThrows(NullPointerException.class, () -> e.failedFuture(null));

        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletableFuture<Integer> copy = e.copy(source);
        CompletionStage<Integer> stageCopy = e.copy((CompletionStage<Integer>) source);
        assertFalse(copy.isDone());
        source.complete(5);
        assertEquals(5, copy.get(10, TimeUnit.SECONDS));
        assertEquals(5, stageCopy.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertManagedOnEcho(copy, Priority.HIGH);
        assertManagedOnEcho(stageCopy, Priority.HIGH);
        // a copy is a new stage: cancelling it leaves the source alone
        CompletableFuture<Integer> other = new CompletableFuture<>();
        assertTrue(e.copy(other).cancel(true));
        assertFalse(other.isDone());

        CompletableFuture<String> incomplete = e.newIncompleteFuture();
        assertFalse(incomplete.isDone());
        incomplete.complete("x");
        assertManagedOnEcho(incomplete, Priority.HIGH);

        assertEquals("echo-worker", e.supplyAsync(EchoExtensionWeldTest::where).get(10, TimeUnit.SECONDS)
                .replaceAll("-\\d+@HIGH$", ""));
        assertNull(e.runAsync(() -> { }).get(10, TimeUnit.SECONDS));
        assertManagedOnEcho(e.runAsync(() -> { }), Priority.HIGH);
        // outside a container there is no context to capture: the context service hands back the object itself
        Callable<String> plain = () -> "plain";
        assertSame(plain, e.getContextService().contextualCallable(plain));
    }

    @Test
    void executionPropertySelectsThePriorityAndABadOneIsRejected() throws Exception {
        assertEquals(Priority.LOW, beans.high.submit(managed(Map.of(EchoManagedExecutor.PRIORITY_PROPERTY, "low"), null))
                .get(10, TimeUnit.SECONDS));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> beans.executor.submit(managed(Map.of(EchoManagedExecutor.PRIORITY_PROPERTY, "URGENT"), null)));
        assertEquals("execution property 'dev.echo.priority' must be one of HIGH, NORMAL, LOW, was 'URGENT'", bad.getMessage());
        assertEquals(Priority.HIGH, beans.executor.submit(new AnnotatedHighTask()).get(10, TimeUnit.SECONDS));
    }

    @EchoPriority(Priority.HIGH)
    static class AnnotatedHighTask implements Callable<Priority> {
        @Override
        public Priority call() {
            return dev.echo.scheduler.Scheduler.currentPriority().orElse(null);
        }
    }

    @Test
    void listenersHearSubmittedStartingAndDoneInOrder() throws Exception {
        RecordingListener listener = new RecordingListener();
        Future<Priority> f = beans.executor.submit(managed(Map.of(), listener));
        f.get(10, TimeUnit.SECONDS);
        assertTrue(listener.done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("submitted", "starting", "done:null"), listener.events);
    }

    @Test
    void listenersHearAbortedWhenAQueuedTaskIsCancelled() throws Exception {
        RecordingListener listener = new RecordingListener();
        List<String> events = listener.events;
        int workers = ((EchoManagedExecutor) beans.executor).runtime().scheduler().workerCount();
        List<Blocker> blockers = new java.util.ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Blocker blocker = new Blocker();
            blockers.add(blocker);
            beans.executor.submit(blocker);
        }
        for (Blocker blocker : blockers) {
            blocker.awaitStarted(); // every worker is held: the next task stays queued
        }
        Future<Priority> f = beans.executor.submit(managed(Map.of(), listener));
        assertTrue(f.cancel(true));
        blockers.forEach(Blocker::release);
        assertTrue(listener.done.await(10, TimeUnit.SECONDS));
        assertEquals("submitted", events.get(0));
        assertTrue(events.contains("aborted:CancellationException"), events.toString());
        assertEquals("done:CancellationException", events.get(events.size() - 1));
        assertFalse(events.contains("starting"), "a cancelled queued task must not start");
    }

    @Test
    void longRunningTasksDoNotTakeAWorker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int workers = ((EchoManagedExecutor) beans.executor).runtime().scheduler().workerCount();
        List<Future<?>> longOnes = new java.util.ArrayList<>();
        for (int i = 0; i < workers + 1; i++) {
            longOnes.add(beans.executor.submit(managedRunnable(Map.of(ManagedTask.LONGRUNNING_HINT, "true"), () -> {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
        }
        // every worker is still free for short work (no spare worker stood in for them)
        assertEquals("short", beans.executor.submit(() -> "short").get(5, TimeUnit.SECONDS));
        assertEquals(0, ((EchoManagedExecutor) beans.executor).runtime().metrics().sparesStarted());
        release.countDown();
        for (Future<?> f : longOnes) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void identityNameIsVisibleOnTheThreadWhileTheTaskRuns() throws Exception {
        Callable<String> name = () -> Thread.currentThread().getName();
        String seen = beans.executor.submit(ManagedTasks.callable(name, Map.of(ManagedTask.IDENTITY_NAME, "nightly-report"), null)).get(10, TimeUnit.SECONDS);
        assertTrue(seen.endsWith("[nightly-report]"), seen);
        assertFalse(beans.executor.submit(name).get(10, TimeUnit.SECONDS).contains("nightly-report"));
    }

    @Test
    void asyncMethodsRunOnEchoAtTheirPriority() throws Exception {
        String where = beans.where().get(10, TimeUnit.SECONDS);
        assertTrue(where.matches("echo-worker-\\d+@HIGH"), where);
        ExecutionException e = assertThrows(ExecutionException.class, () -> beans.fails().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals("async failure", e.getCause().getMessage());
        beans.fireAndForget();
        assertTrue(beans.voidRan.await(10, TimeUnit.SECONDS));
        UnsupportedOperationException wrong = assertThrows(UnsupportedOperationException.class, beans::wrongReturnType);
        assertTrue(wrong.getMessage().contains("must return void, CompletionStage or CompletableFuture"));
    }

    @Test
    void scheduledDelayedFixedRateAndTriggerTasksRun() throws Exception {
        ManagedScheduledExecutorService s = beans.scheduled;
        // getDelay counts down from the delay: an hour-long delay cannot pass during the test
        ScheduledFuture<String> inAnHour = s.schedule(() -> "never", 1, TimeUnit.HOURS);
        long delay = inAnHour.getDelay(TimeUnit.SECONDS);
        assertTrue(delay > 3500 && delay <= 3600, "delay " + delay + " s");
        assertTrue(inAnHour.cancel(false));
        assertTrue(inAnHour.isCancelled());
        ScheduledFuture<String> later = s.schedule(() -> "later", 50, TimeUnit.MILLISECONDS);
        assertEquals("later", later.get(10, TimeUnit.SECONDS));
        assertTrue(later.getDelay(TimeUnit.MILLISECONDS) <= 0, "a task that ran is no longer delayed");

        CountDownLatch three = new CountDownLatch(3);
        java.util.concurrent.atomic.AtomicReference<CountDownLatch> afterCancel = new java.util.concurrent.atomic.AtomicReference<>();
        ScheduledFuture<?> rate = s.scheduleAtFixedRate(() -> {
            three.countDown();
            CountDownLatch late = afterCancel.get();
            if (late != null) {
                late.countDown();
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        assertTrue(three.await(10, TimeUnit.SECONDS));
        assertTrue(rate.cancel(false));
        // at most one execution already under way may still finish; a second one means it kept running
        afterCancel.set(new CountDownLatch(2));
        assertFalse(afterCancel.get().await(200, TimeUnit.MILLISECONDS), "fixed-rate task kept running after cancel");

        CountDownLatch delayed = new CountDownLatch(2);
        ScheduledFuture<?> fixedDelay = s.scheduleWithFixedDelay(delayed::countDown, 0, 10, TimeUnit.MILLISECONDS);
        assertTrue(delayed.await(10, TimeUnit.SECONDS));
        assertTrue(fixedDelay.cancel(true), "cancelling a running fixed-delay repetition");
        assertTrue(fixedDelay.isCancelled() && fixedDelay.isDone());
        assertThrows(java.util.concurrent.CancellationException.class, () -> fixedDelay.get(10, TimeUnit.SECONDS));

        AtomicInteger runs = new AtomicInteger();
        Trigger threeTimes = new Trigger() {
            @Override
            public Date getNextRunTime(jakarta.enterprise.concurrent.LastExecution last, Date scheduled) {
                return runs.get() >= 3 ? null : new Date(System.currentTimeMillis() + 10);
            }

            @Override
            public boolean skipRun(jakarta.enterprise.concurrent.LastExecution last, Date scheduledRunTime) {
                return false;
            }
        };
        ScheduledFuture<Integer> triggered = s.schedule(runs::incrementAndGet, threeTimes);
        assertTrue(triggered.get(10, TimeUnit.SECONDS) >= 1, "get() reports the latest run from the first on");
        dev.echo.testing.Await.until(triggered::isDone, java.time.Duration.ofSeconds(10), () -> "the trigger ended");
        assertEquals(3, triggered.get(10, TimeUnit.SECONDS), "the final run's result once the repetition ended");
    }

    @Test
    void aLongMaxValueDelayIsClampedNotOverflowed() throws Exception {
        ManagedScheduledExecutorService s = beans.scheduled;
        ScheduledFuture<String> never = s.schedule(() -> "never", Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        ScheduledFuture<String> forever = s.schedule(() -> "forever", Long.MAX_VALUE, TimeUnit.DAYS);
        assertTrue(never.getDelay(TimeUnit.DAYS) > 365L * 50, "delay " + never.getDelay(TimeUnit.DAYS) + " days");
        assertTrue(forever.getDelay(TimeUnit.DAYS) > 365L * 50);
        assertTrue(never.compareTo(forever) <= 0 || forever.compareTo(never) <= 0);
        assertEquals("soon", s.schedule(() -> "soon", 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS));
        assertFalse(never.isDone());
        assertFalse(forever.isDone());
        assertTrue(never.cancel(false));
        assertTrue(forever.cancel(false));
    }

    @Test
    void aFailingPeriodicTaskStopsAndReportsItsFailure() {
        ScheduledFuture<?> f = beans.scheduled.scheduleAtFixedRate(() -> {
            throw new IllegalStateException("tick failed");
        }, 0, 10, TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("tick failed", e.getCause().getMessage());
    }

    private static Callable<Priority> managed(Map<String, String> props, ManagedTaskListener listener) {
        return ManagedTasks.callable(() -> dev.echo.scheduler.Scheduler.currentPriority().orElse(null), props, listener);
    }

    private static Runnable managedRunnable(Map<String, String> props, Runnable body) {
        return ManagedTasks.runnable(body, props, null);
    }
}
