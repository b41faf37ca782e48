package dev.echo.scheduler;

import dev.echo.testing.Blocker;
import dev.echo.testing.Sleeper;
import dev.echo.testing.Schedulers;
import dev.echo.task.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ExecutorServiceContractTest {

    private Scheduler scheduler;

    private Scheduler scheduler(int workers) {
        scheduler = SchedulerBuilder.create().workerCount(workers).name("contract").build();
        return scheduler;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS), "scheduler did not terminate");
        }
    }

    @Test
    void submitReturnsTheCallablesValueAndRunnableCompletesWithNull() throws Exception {
        Scheduler s = scheduler(2);
        assertEquals(42, s.submit(() -> 42, Priority.HIGH).get(10, TimeUnit.SECONDS));
        assertEquals("x", s.submit(() -> "x").get(10, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        assertNull(s.submit(() -> ran.set(true), Priority.LOW).get(10, TimeUnit.SECONDS));
        assertTrue(ran.get());
        assertEquals("r", s.submit(() -> { }, "r").get(10, TimeUnit.SECONDS));
        CountDownLatch executed = new CountDownLatch(2);
        s.execute(executed::countDown);
        s.execute(executed::countDown, Priority.LOW);
        assertTrue(executed.await(10, TimeUnit.SECONDS));
    }

    @Test
    void nullTasksAreRejectedWithNullPointerException() {
        Scheduler s = scheduler(1);
        assertThrows(NullPointerException.class, () -> s.submit((Callable<Object>) null));
        assertThrows(NullPointerException.class, () -> s.submit((Runnable) null));
        assertThrows(NullPointerException.class, () -> s.submit((Runnable) null, "v"));
        assertThrows(NullPointerException.class, () -> s.execute(null));
        assertThrows(NullPointerException.class, () -> s.submit((Callable<Object>) null, Priority.HIGH));
        assertThrows(NullPointerException.class, () -> s.submit(() -> 1, null));
        assertThrows(NullPointerException.class, () -> s.execute(() -> { }, null));
        assertThrows(NullPointerException.class, () -> s.invokeAll(null));
        assertThrows(NullPointerException.class, () -> s.invokeAny(null));
        assertThrows(NullPointerException.class, () -> s.submitAsync(null, Priority.LOW));
        assertThrows(NullPointerException.class, () -> s.schedule((Runnable) null, Duration.ZERO, Priority.LOW));
        assertThrows(NullPointerException.class, () -> s.schedule(() -> { }, null, Priority.LOW));
        assertEquals(0, s.metrics().submitted(), "a rejected null must not count as accepted");
    }

    @Test
    void aNullTaskInInvokeAllOrInvokeAnyThrowsAndNothingRuns() throws Exception {
        Scheduler s = scheduler(1);
        AtomicInteger ran = new AtomicInteger();
        List<Callable<Integer>> withNull = java.util.Arrays.asList(ran::incrementAndGet, null);
        assertThrows(NullPointerException.class, () -> s.invokeAll(withNull));
        assertThrows(NullPointerException.class, () -> s.invokeAll(withNull, 10, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> s.invokeAny(withNull));
        assertThrows(NullPointerException.class, () -> s.invokeAny(withNull, 10, TimeUnit.SECONDS));
        // one worker, FIFO: had an element run, it would have run before this task
        assertEquals(0, s.submit(ran::get).get(10, TimeUnit.SECONDS));
        assertEquals(1, s.metrics().submitted(), "only the check task was accepted");
    }

    @Test
    void submitAfterShutdownIsRejectedWithAClearMessage() {
        Scheduler s = scheduler(1);
        s.shutdown();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> s.submit(() -> 1));
        assertTrue(e.getMessage().contains("'contract'") && e.getMessage().contains("shut down")
                || e.getMessage().contains("terminated"), e.getMessage());
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }, Priority.HIGH));
        assertThrows(RejectedExecutionException.class, () -> s.schedule(() -> { }, Duration.ofMillis(1), Priority.HIGH));
        assertEquals(3, s.metrics().rejected());
    }

    @Test
    void boundedQueueRejectsBeyondCapacityAndKeepsWhatItAccepted() throws Exception {
        scheduler = SchedulerBuilder.create().workerCount(1).queueCapacity(3).name("bounded").build();
        Blocker blocker = new Blocker();
        scheduler.execute(blocker);
        blocker.awaitStarted();
        List<CompletableFuture<Integer>> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int v = i;
            accepted.add(scheduler.submit(() -> v, Priority.LOW));
        }
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> scheduler.submit(() -> 9));
        assertTrue(e.getMessage().contains("queue is full (capacity 3)"), e.getMessage());
        blocker.release();
        for (int i = 0; i < 3; i++) {
            assertEquals(i, accepted.get(i).get(10, TimeUnit.SECONDS));
        }
        // the capacity is free again once the queue drained
        assertEquals(5, scheduler.submit(() -> 5).get(10, TimeUnit.SECONDS));
    }

    @Test
    void invokeAllRunsEveryTaskAndReturnsFuturesInOrder() throws Exception {
        Scheduler s = scheduler(2);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int v = i;
            tasks.add(() -> v * v);
        }
        List<Future<Integer>> futures = s.invokeAll(tasks);
        for (int i = 0; i < 20; i++) {
            assertTrue(futures.get(i).isDone());
            assertEquals(i * i, futures.get(i).get());
        }
    }

    @Test
    void invokeAllWithTimeoutCancelsWhatDidNotFinish() throws Exception {
        Scheduler s = scheduler(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(() -> "fast", () -> {
            try {
                dev.echo.testing.Blocking.untilInterrupted();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "slow";
        }, () -> "never");
        // The timeout is a real duration here: the second task must outlive it, the first must not.
        // 2 s leaves a descheduled worker plenty of room to run the no-op first task in time.
        List<Future<String>> futures = s.invokeAll(tasks, 2, TimeUnit.SECONDS);
        assertEquals("fast", futures.get(0).get());
        assertTrue(futures.get(1).isCancelled());
        assertTrue(futures.get(2).isCancelled());
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the running task was not interrupted");
    }

    @Test
    void invokeAnyReturnsASuccessfulResult() throws Exception {
        Scheduler s = scheduler(2);
        List<Callable<String>> tasks = List.of(() -> {
            throw new IllegalStateException("boom");
        }, () -> "ok");
        assertEquals("ok", s.invokeAny(tasks));
        assertEquals("ok", s.invokeAny(tasks, 10, TimeUnit.SECONDS));
    }

    @Test
    void invokeAnyFailsWhenAllFailAndTimesOut() {
        Scheduler s = scheduler(1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> s.invokeAny(List.of(() -> {
            throw new IllegalStateException("boom");
        })));
        assertEquals("boom", e.getCause().getMessage());
        assertThrows(TimeoutException.class, () -> s.invokeAny(List.of(() -> {
            dev.echo.testing.Blocking.untilInterrupted();
            return 1;
        }), 100, TimeUnit.MILLISECONDS));
    }

    @Test
    void shutdownNowReturnsExactlyTheTasksThatNeverStarted() throws Exception {
        Scheduler s = scheduler(1);
        Sleeper sleeper = new Sleeper();
        s.execute(sleeper);
        assertTrue(sleeper.awaitStarted());
        // with the only worker busy a HIGH task goes to the urgent thread: hold that one too, so
        // that every task below stays queued (and shutdownNow must interrupt both)
        Sleeper urgentSleeper = new Sleeper();
        s.execute(urgentSleeper, Priority.HIGH);
        assertTrue(urgentSleeper.awaitStarted());
        List<CompletableFuture<?>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(s.submit(() -> { }, Priority.values()[i % 3]));
        }
        CompletableFuture<?> cancelled = s.submit(() -> { });
        cancelled.cancel(false);
        CompletableFuture<?> delayed = s.schedule(() -> { }, Duration.ofHours(1), Priority.LOW);
        List<Runnable> notStarted = s.shutdownNow();
        assertTrue(s.isShutdown());
        assertEquals(6, notStarted.size(), "5 queued + 1 delayed, not the cancelled one");
        assertTrue(notStarted.containsAll(queued));
        assertTrue(notStarted.contains(delayed));
        assertFalse(notStarted.contains(cancelled));
        assertTrue(sleeper.awaitInterrupted(10), "the running task was not interrupted");
        assertTrue(urgentSleeper.awaitInterrupted(10), "the urgent thread's running task was not interrupted");
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(s.isTerminated());
        for (CompletableFuture<?> f : queued) {
            assertFalse(f.isDone(), "a returned task must not have run");
        }
        // a returned task can still be run by the caller and completes its future
        notStarted.get(0).run();
        assertTrue(((Future<?>) notStarted.get(0)).isDone());
        var m = s.metrics();
        assertEquals(m.submitted(), m.finished());
        assertEquals(6, m.returned());
    }

    @Test
    void awaitTerminationTimesOutWhileATaskRunsAndIsTerminatedAfter() throws Exception {
        Scheduler s = scheduler(1);
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        s.shutdown();
        assertTrue(s.isShutdown());
        assertFalse(s.isTerminated());
        assertFalse(s.awaitTermination(50, TimeUnit.MILLISECONDS));
        blocker.release();
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(s.isTerminated());
    }

    @Test
    void cancelTrueInterruptsTheRunningTask() throws Exception {
        Scheduler s = scheduler(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<Void> f = s.submit(() -> {
            started.countDown();
            try {
                dev.echo.testing.Blocking.untilInterrupted();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, Priority.NORMAL);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancel(true));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "cancel(true) did not interrupt the task");
        assertThrows(CancellationException.class, f::join);
        // the interrupt does not leak into the next task on that worker
        assertFalse(s.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS));
    }

    @Test
    void cancelFalseDoesNotInterrupt() throws Exception {
        Scheduler s = scheduler(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        CompletableFuture<Void> f = s.submit(() -> {
            started.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                sawInterrupt.set(true);
            }
        }, Priority.NORMAL);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancel(false));
        finish.countDown();
        assertEquals(0, s.submit(() -> 0).get(10, TimeUnit.SECONDS));
        assertFalse(sawInterrupt.get());
    }

    @Test
    void aQueuedCancelledTaskNeverRuns() throws Exception {
        Scheduler s = scheduler(1);
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        Blocker urgentBlocker = new Blocker(); // the only worker is busy: this one holds the urgent thread
        s.execute(urgentBlocker, Priority.HIGH);
        urgentBlocker.awaitStarted();
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Integer> victim = s.submit(runs::incrementAndGet, Priority.HIGH);
        assertTrue(victim.cancel(true));
        blocker.release();
        urgentBlocker.release();
        assertEquals("after", s.submit(() -> "after", Priority.LOW).get(10, TimeUnit.SECONDS));
        assertEquals(0, runs.get());
        assertTrue(victim.isCancelled());
        Schedulers.stop(s);
        assertEquals(1, s.metrics().cancelled());
    }
}
