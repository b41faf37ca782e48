package dev.echo.scheduler;

import dev.echo.testing.Schedulers;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A task's failure fails only its own future; per-task thread state never reaches the next task. */
class FailureIsolationTest {

    @Test
    void runtimeExceptionsAndErrorsFailOnlyTheirOwnFuture() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("fail").build();
        try {
            String worker = s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            CompletableFuture<Object> rte = s.submit(() -> {
                throw new IllegalStateException("bad state");
            }, Priority.HIGH);
            CompletableFuture<Object> error = s.submit(() -> {
                throw new AssertionError("an Error");
            }, Priority.NORMAL);
            CompletableFuture<Object> checked = s.submit(() -> {
                throw new java.io.IOException("checked");
            }, Priority.LOW);
            ExecutionException e1 = assertThrows(ExecutionException.class, () -> rte.get(10, TimeUnit.SECONDS));
            assertEquals("bad state", e1.getCause().getMessage());
            ExecutionException e2 = assertThrows(ExecutionException.class, () -> error.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AssertionError.class, e2.getCause());
            ExecutionException e3 = assertThrows(ExecutionException.class, () -> checked.get(10, TimeUnit.SECONDS));
            assertInstanceOf(java.io.IOException.class, e3.getCause());
            // the same single worker keeps serving
            assertEquals(worker, s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
            assertEquals(3, s.metrics().failed());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void aStackOverflowFailsItsFutureAndTheWorkerSurvives() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("vme").build();
        try {
            String worker = s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            CompletableFuture<Integer> deep = s.submit(() -> recurse(0));
            ExecutionException e = assertThrows(ExecutionException.class, () -> deep.get(10, TimeUnit.SECONDS));
            assertInstanceOf(StackOverflowError.class, e.getCause());
            assertEquals(worker, s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    @Test
    void theInterruptFlagIsClearedBeforeTheNextTask() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("intr").build();
        try {
            s.submit(() -> Thread.currentThread().interrupt()).get(10, TimeUnit.SECONDS);
            assertFalse(s.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS));
            // and after a task that failed while interrupted
            CompletableFuture<Object> f = s.submit(() -> {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("x");
            });
            assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertFalse(s.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void contextClassLoaderNameAndPriorityChangedByATaskAreRestored() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("state").build();
        try {
            ClassLoader original = s.submit(() -> Thread.currentThread().getContextClassLoader()).get(10, TimeUnit.SECONDS);
            String name = s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            try (URLClassLoader foreign = new URLClassLoader(new URL[0])) {
                s.submit(() -> {
                    Thread.currentThread().setContextClassLoader(foreign);
                    Thread.currentThread().setName("renamed-by-task");
                    Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
                }).get(10, TimeUnit.SECONDS);
                assertSame(original, s.submit(() -> Thread.currentThread().getContextClassLoader()).get(10, TimeUnit.SECONDS));
                assertEquals(name, s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
                assertEquals(Thread.NORM_PRIORITY, (int) s.submit(() -> Thread.currentThread().getPriority()).get(10, TimeUnit.SECONDS));
            }
        } finally {
            Schedulers.stop(s);
        }
    }
}
