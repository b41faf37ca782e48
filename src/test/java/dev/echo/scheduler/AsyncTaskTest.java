package dev.echo.scheduler;

import dev.echo.testing.Blocker;
import dev.echo.testing.Schedulers;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** submitAsync: the worker is free while the stage is pending; the task resumes at its priority. */
class AsyncTaskTest {

    @Test
    void theWorkerIsReleasedWhileTheStageIsPending() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("async").build();
        try {
            CompletableFuture<String> io = new CompletableFuture<>();
            CompletableFuture<String> task = s.submitAsync(() -> io, Priority.NORMAL);
            // With one worker, this only runs if the async task does not hold it.
            assertEquals("other", s.submit(() -> "other", Priority.LOW).get(10, TimeUnit.SECONDS));
            assertFalse(task.isDone());
            assertEquals(1, s.metrics().awaiting());
            io.complete("done");
            assertEquals("done", task.get(10, TimeUnit.SECONDS));
            assertEquals(0, s.metrics().awaiting());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void theFutureCompletesOnAWorkerNotOnTheThreadThatCompletedTheStage() throws Exception {
        // one taker (maxWorkers = workers, docs/how-we-test.md): with the urgent thread a HIGH
        // resumption may run there instead (a loaded full run saw "resume-urgent")
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("resume").build();
        try {
            String worker = s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            CompletableFuture<String> io = new CompletableFuture<>();
            CompletableFuture<String> task = s.submitAsync(() -> io, Priority.HIGH);
            AtomicReference<String> dependentRanOn = new AtomicReference<>();
            CompletableFuture<Void> dependent = task.thenAccept(v -> dependentRanOn.set(Thread.currentThread().getName()));
            Thread completer = new Thread(() -> io.complete("x"), "io-thread");
            completer.start();
            dependent.get(10, TimeUnit.SECONDS);
            assertEquals(worker, dependentRanOn.get());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aCompletedStageResumesAtTheTasksPriorityAheadOfQueuedLowWork() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("prio").build(); // one taker: a spare (started when the worker looks stalled on a loaded machine) would run the LOW tasks first
        try {
            List<String> order = new CopyOnWriteArrayList<>();
            CompletableFuture<String> io = new CompletableFuture<>();
            CompletableFuture<String> task = s.submitAsync(() -> io, Priority.HIGH);
            task.thenAccept(order::add);
            s.submit(() -> { }).get(10, TimeUnit.SECONDS); // the async body has run and suspended
            Blocker blocker = new Blocker();
            s.execute(blocker);
            blocker.awaitStarted();
            for (int i = 0; i < 5; i++) {
                s.execute(() -> order.add("low"), Priority.LOW);
            }
            io.complete("resumed-high"); // from the test thread: queued as a HIGH resumption
            blocker.release();
            Schedulers.stop(s);
            assertEquals("resumed-high", order.get(0), order.toString());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aFailedStageFailsTheFutureWithItsCause() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("afail").build();
        try {
            CompletableFuture<Integer> task = s.submitAsync(
                    () -> CompletableFuture.supplyAsync(() -> {
                        throw new IllegalStateException("remote failed");
                    }), Priority.NORMAL);
            ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("remote failed", e.getCause().getMessage());
            Schedulers.stop(s);
            assertEquals(1, s.metrics().failed());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aBodyReturningNullFailsClearly() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("anull").build();
        try {
            CompletableFuture<Object> task = s.submitAsync(() -> null, Priority.NORMAL);
            ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("returned null"), e.getCause().getMessage());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void cancellingTheTaskCancelsThePendingStage() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("acancel").build();
        try {
            CompletableFuture<String> io = new CompletableFuture<>();
            CompletableFuture<String> task = s.submitAsync(() -> io, Priority.NORMAL);
            s.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertTrue(task.cancel(true));
            assertTrue(io.isCancelled(), "the pending stage was not cancelled");
            assertThrows(CancellationException.class, task::join);
            Schedulers.stop(s); // terminates: the cancelled task does not keep the scheduler alive
            assertTrue(s.isTerminated());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void asyncDependentsOfReturnedFuturesRunOnTheSchedulerAtTheSamePriority() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("stages").build();
        try {
            CompletableFuture<String> f = s.submit(() -> "v", Priority.LOW);
            CompletableFuture<Object[]> where = f.thenApplyAsync(v -> new Object[]{
                    Thread.currentThread().getName(), Scheduler.currentPriority().orElse(null)});
            Object[] w = where.get(10, TimeUnit.SECONDS);
            assertTrue(((String) w[0]).startsWith("stages-worker-"), (String) w[0]);
            assertEquals(Priority.LOW, w[1]);
            // and so on down the chain: dependents of dependents too
            CompletableFuture<String> second = where.thenApplyAsync(x -> Thread.currentThread().getName());
            assertTrue(second.get(10, TimeUnit.SECONDS).startsWith("stages-worker-"));
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void continuationsRegisteredThroughTheSchedulerRunAtTheTasksPriority() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("cont").build();
        try {
            CompletableFuture<String> io = new CompletableFuture<>();
            CompletableFuture<Priority> task = s.submitAsync(() -> {
                Priority mine = Scheduler.currentPriority().orElseThrow();
                CompletionStage<Priority> next = io.thenApplyAsync(v -> Scheduler.currentPriority().orElse(null),
                        s.executor(mine));
                return next;
            }, Priority.HIGH);
            s.submit(() -> { }).get(10, TimeUnit.SECONDS);
            io.complete("go");
            assertEquals(Priority.HIGH, task.get(10, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
    }
}
