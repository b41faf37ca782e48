package dev.echo.scheduler;

import dev.echo.metrics.SchedulerMetrics;
import dev.echo.task.Priority;
import dev.echo.testing.Blocker;
import dev.echo.testing.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Errors that come from outside a task body — the task observer, a timer action, the thread
 * factory — must not kill a worker or the timer for good, nor leave a stop waiting forever.
 */
class FaultsOutsideTasksTest {

    @Test
    void anObserverThatThrowsAnErrorCostsNoWorkerAndTheStopStillTerminates() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        // maxWorkers(1): no spare and no urgent thread, so every task runs on the one worker
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("observer-error").taskObserver((p, wait, run) -> {
            if (heard.incrementAndGet() % 2 == 1) {
                throw new AssertionError("observer bug");
            }
            throw new OutOfMemoryError("simulated: bookkeeping ran out of memory");
        }).build();
        String worker = s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            assertEquals(worker, s.submit(() -> Thread.currentThread().getName(), Priority.values()[i % 3]).get(10, TimeUnit.SECONDS),
                    "the only worker still serves after " + heard.get() + " observer errors");
        }
        Schedulers.stop(s); // fails if a finished task went uncounted
        SchedulerMetrics m = s.metrics();
        assertEquals(21, m.submitted());
        assertEquals(m.submitted(), m.finished(), m.toString());
        assertEquals(0, m.deadWorkers());
        assertTrue(heard.get() >= 21);
    }

    @Test
    void aTimerActionThatThrowsAVirtualMachineErrorLeavesTheTimerRunning() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("timer-error").build();
        try {
            CompletableFuture<Void> broken = s.onTimer(() -> {
                throw new StackOverflowError("simulated");
            }, Duration.ofMillis(1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> broken.get(10, TimeUnit.SECONDS));
            assertInstanceOf(StackOverflowError.class, e.getCause());
            // every later delayed task still fires: the timer thread is alive
            assertEquals("later", s.schedule(() -> "later", Duration.ofMillis(5), Priority.NORMAL).get(10, TimeUnit.SECONDS));
            AtomicInteger fired = new AtomicInteger();
            s.onTimer(fired::incrementAndGet, Duration.ofMillis(5)).get(10, TimeUnit.SECONDS);
            assertEquals(1, fired.get());
        } finally {
            Schedulers.stop(s);
        }
        SchedulerMetrics m = s.metrics();
        assertEquals(m.submitted(), m.finished(), m.toString());
        assertEquals(1, m.failed());
    }

    @Test
    void aFactoryThatRefusesTheTimerThreadRejectsTheDelayedTaskAndCountsNothing() throws Exception {
        for (ThreadFactory refusing : new ThreadFactory[]{workersOnly(2, () -> null),
                workersOnly(2, () -> { throw new IllegalStateException("no more threads for you"); })}) {
            Scheduler s = SchedulerBuilder.create().workerCount(2).name("no-timer").threadFactory(refusing).build();
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
                    () -> s.schedule(() -> "never", Duration.ofMillis(10), Priority.NORMAL));
            assertTrue(e.getMessage().contains("timer thread"), e.getMessage());
            assertThrows(RejectedExecutionException.class, () -> s.onTimer(() -> { }, Duration.ofMillis(10)));
            assertEquals(0, s.metrics().submitted(), "a refused task counts as submitted");
            assertEquals(2, s.metrics().rejected());
            assertEquals(0, s.metrics().delayed());
            assertEquals(1, s.submit(() -> 1).get(10, TimeUnit.SECONDS), "ready tasks still run");
            Schedulers.stop(s); // terminates: nothing waits for a timer that never existed
        }
    }

    /** Makes {@code n} worker threads, then asks {@code refusal} for every further thread. */
    private static ThreadFactory workersOnly(int n, java.util.function.Supplier<Thread> refusal) {
        AtomicInteger made = new AtomicInteger();
        return r -> {
            if (made.getAndIncrement() < n) {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            }
            return refusal.get();
        };
    }

    @Test
    void aHugeDelayIsClampedAndNeverDelaysTasksDueSooner() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("huge-delay").build();
        try {
            // Hold the timer thread (a timer action runs on it), so that a task becomes overdue
            // while a huge-delay task is added behind it: an overflowing due time sorted first.
            Blocker timerBusy = new Blocker();
            CompletableFuture<Void> holding = s.onTimer(timerBusy, Duration.ofNanos(1));
            timerBusy.awaitStarted();
            CompletableFuture<String> soon = s.schedule(() -> "soon", Duration.ofNanos(1), Priority.LOW);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // soon is overdue now
            CompletableFuture<String> never = s.schedule(() -> "never", Duration.ofNanos(Long.MAX_VALUE), Priority.HIGH);
            CompletableFuture<String> forever = s.schedule(() -> "forever", Duration.ofSeconds(Long.MAX_VALUE), Priority.HIGH);
            timerBusy.release();
            holding.get(10, TimeUnit.SECONDS);
            assertEquals("soon", soon.get(10, TimeUnit.SECONDS), "a task due sooner waited behind a huge delay");
            assertFalse(never.isDone(), "a Long.MAX_VALUE delay ran at once");
            assertFalse(forever.isDone());
            assertEquals(2, s.metrics().delayed());
            never.cancel(false);
            forever.cancel(false);
        } finally {
            Schedulers.stop(s);
        }
    }
}
