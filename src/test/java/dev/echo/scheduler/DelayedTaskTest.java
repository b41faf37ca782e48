package dev.echo.scheduler;

import dev.echo.testing.Blocker;
import dev.echo.testing.Schedulers;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** schedule(task, delay, priority): no worker held while waiting. */
class DelayedTaskTest {

    @Test
    void aDelayedTaskHoldsNoWorkerWhileItWaits() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("delay").build();
        try {
            AtomicBoolean ran = new AtomicBoolean();
            // due in an hour: it cannot become due during the test, whatever the machine's load
            CompletableFuture<Void> later = s.schedule(() -> ran.set(true), Duration.ofHours(1), Priority.HIGH);
            // The only worker is free while the delayed task waits.
            assertEquals("now", s.submit(() -> "now", Priority.LOW).get(10, TimeUnit.SECONDS));
            assertFalse(later.isDone());
            assertEquals(1, s.metrics().delayed());
            assertTrue(later.cancel(false));
            assertFalse(ran.get());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aDelayedTaskRunsNoEarlierThanItsDelay() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("delay").build();
        try {
            long submitted = System.nanoTime();
            AtomicLong ranAt = new AtomicLong();
            CompletableFuture<Void> later = s.schedule(() -> ranAt.set(System.nanoTime()), Duration.ofMillis(300), Priority.HIGH);
            later.get(10, TimeUnit.SECONDS);
            assertTrue(ranAt.get() - submitted >= TimeUnit.MILLISECONDS.toNanos(300), "ran before its delay");
            assertEquals(0, s.metrics().delayed());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aCallableDelayedTaskYieldsItsValue() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("delayv").build();
        try {
            assertEquals(5, s.schedule(() -> 5, Duration.ofMillis(10), Priority.NORMAL).get(10, TimeUnit.SECONDS));
            assertEquals(6, s.schedule(() -> 6, Duration.ZERO, Priority.NORMAL).get(10, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aNegativeDelayIsRejected() {
        Scheduler s = SchedulerBuilder.create().workerCount(1).build();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.schedule(() -> { }, Duration.ofMillis(-5), Priority.LOW));
            assertTrue(e.getMessage().contains("delay must not be negative"), e.getMessage());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aCancelledDelayedTaskNeverRunsAndDoesNotDelayStop() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("dcancel").build();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Void> f = s.schedule(() -> ran.set(true), Duration.ofHours(1), Priority.LOW);
        assertTrue(f.cancel(false));
        Schedulers.callStop(s); // fails if stop() waited for the cancelled task (due in an hour)
        assertTrue(s.isTerminated());
        assertFalse(ran.get());
        assertEquals(1, s.metrics().cancelled());
    }

    @Test
    void gracefulStopWaitsForDelayedTasks() {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("dstop").build();
        AtomicBoolean ran = new AtomicBoolean();
        s.schedule(() -> ran.set(true), Duration.ofMillis(200), Priority.LOW);
        Schedulers.callStop(s);
        assertTrue(ran.get());
    }

    @Test
    void shutdownNowReturnsDelayedTasks() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("dnow").build();
        CompletableFuture<Void> f = s.schedule(() -> { }, Duration.ofHours(1), Priority.LOW);
        List<Runnable> notStarted = s.shutdownNow();
        assertEquals(List.of(f), notStarted);
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void dueTasksStartInDueOrder() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("dorder").build();
        try {
            List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<?> last = null;
            for (int i = 4; i >= 0; i--) {
                int v = i;
                last = s.schedule(() -> order.add(v), Duration.ofMillis(50L + 40L * i), Priority.NORMAL);
            }
            last.get(10, TimeUnit.SECONDS);
            Schedulers.stop(s);
            assertEquals(List.of(0, 1, 2, 3, 4), order);
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void onTimerFiresEvenWhenEveryWorkerIsBusy() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("ontimer").build();
        Blocker blocker = new Blocker();
        s.execute(blocker);
        blocker.awaitStarted();
        AtomicBoolean fired = new AtomicBoolean();
        CompletableFuture<Void> f = s.onTimer(() -> fired.set(true), Duration.ofMillis(50));
        f.get(10, TimeUnit.SECONDS); // a delayed task on a worker could not run: the only worker is blocked
        assertTrue(fired.get());
        blocker.release();
        Schedulers.stop(s);
        var m = s.metrics();
        assertEquals(m.submitted(), m.finished(), m.toString());
    }

    @Test
    void interruptAfterInterruptsTheBusyWorkersBodyButCompletesNothingOnTheTimerThread() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("interrupt").build();
        CountDownLatch started = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> dependentRanOn = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch dependentRan = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<?>> task = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Object> f = s.submit(() -> {
            started.countDown();
            Thread.sleep(60_000); // holds the only worker until interrupted
            return "never";
        }, dev.echo.task.Priority.NORMAL);
        task.set(f);
        f.whenComplete((v, e) -> { // the caller's code, told of the task's end
            dependentRanOn.set(Thread.currentThread().getName());
            dependentRan.countDown();
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        java.util.concurrent.Future<?> handle = s.interruptAfter(task, Duration.ofMillis(50));
        assertFalse(handle instanceof CompletableFuture, "no stage can be attached to the timer's own future");
        assertTrue(dependentRan.await(10, TimeUnit.SECONDS), "the body was interrupted although every worker was busy");
        assertEquals("interrupt-worker-0", dependentRanOn.get(), "completed by the worker whose body was interrupted");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, e.getCause());
        // a future that is not one of Echo's tasks is left alone
        CompletableFuture<Object> foreign = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                throw new AssertionError("a caller's future's code ran on the timer thread");
            }
        };
        s.interruptAfter(new java.util.concurrent.atomic.AtomicReference<>(foreign), Duration.ofMillis(1)).get(10, TimeUnit.SECONDS);
        assertFalse(foreign.isDone());
        Schedulers.stop(s);
    }
}
