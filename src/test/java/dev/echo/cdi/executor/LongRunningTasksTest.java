package dev.echo.cdi.executor;

import dev.echo.testing.Blocker;
import dev.echo.testing.RecordingThreadFactory;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Long-running tasks: a thread each, at most echo.long-running.max at once, none once stopping. */
class LongRunningTasksTest {

    @Test
    void atMostMaxRunAtOnceAndTheCapFreesUpWhenOneEnds() throws Exception {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        LongRunningTasks tasks = new LongRunningTasks(2, threads, "cap");
        Blocker a = new Blocker(), b = new Blocker();
        Future<Object> fa = tasks.start(() -> { a.run(); return "a"; }, "report-a");
        Future<Object> fb = tasks.start(() -> { b.run(); return "b"; }, null);
        a.awaitStarted();
        b.awaitStarted();
        assertEquals(2, tasks.active());
        RejectedExecutionException full = assertThrows(RejectedExecutionException.class, () -> tasks.start(() -> "c", null));
        assertTrue(full.getMessage().contains("echo.long-running.max"), full.getMessage());
        assertEquals(1, tasks.rejected());
        a.release();
        assertEquals("a", fa.get(10, TimeUnit.SECONDS));
        dev.echo.testing.Await.until(() -> tasks.active() == 1, java.time.Duration.ofSeconds(10), () -> "the finished task's place is free");
        assertEquals("d", tasks.start(() -> "d", null).get(10, TimeUnit.SECONDS));
        b.release();
        assertEquals("b", fb.get(10, TimeUnit.SECONDS));
        assertEquals(3, tasks.started());
        assertTrue(threads.threads().stream().anyMatch(t -> t.getName().equals("cap-long-report-a")), threads.threads().toString());
    }

    @Test
    void nothingStartsOnceStoppingAndRunningOnesAreInterrupted() throws Exception {
        LongRunningTasks tasks = new LongRunningTasks(10, new RecordingThreadFactory(), "stop");
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Future<Object> running = tasks.start(() -> {
            started.countDown();
            dev.echo.testing.Blocking.untilInterrupted();
            return "not interrupted";
        }, null);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        tasks.refuseNew();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> tasks.start(() -> "late", null));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
        assertEquals(1, tasks.interruptRunning());
        java.util.concurrent.ExecutionException interrupted = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> running.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, interrupted.getCause());
        assertEquals(1, tasks.rejected());
    }

    @Test
    void aFactoryThatGivesNoThreadIsARejectionAndFreesItsPlace() {
        LongRunningTasks tasks = new LongRunningTasks(1, r -> null, "none");
        assertThrows(RejectedExecutionException.class, () -> tasks.start(() -> "x", null));
        assertEquals(0, tasks.active(), "a task that never started keeps no place");
        assertEquals(1, tasks.rejected());
    }
}
