package dev.echo.cdi.observe;

import dev.echo.testing.Blocker;
import dev.echo.testing.DeadThreadFactory;
import dev.echo.testing.Schedulers;
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Readiness and liveness as MicroProfile Health will report them. */
class ExecutorHealthTest {

    @Test
    void readyAndLiveWhileRunningWithRoom() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).queueCapacity(10).name("h-ok").build();
        try {
            ExecutorHealth h = ExecutorHealth.of(null, false, s.metrics(), 10);
            assertTrue(h.ready());
            assertTrue(h.live());
            assertEquals(java.util.List.of(), h.problems());
            assertEquals(2, h.data().get("workers"));
            assertEquals("10", h.data().get("queueCapacity"));
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void notReadyWhileTheQueueIsAtCapacityAndReadyAgainOnceItDrains() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).queueCapacity(3).name("h-full").build();
        try {
            Blocker blocker = new Blocker();
            s.execute(blocker);
            blocker.awaitStarted();
            for (int i = 0; i < 3; i++) {
                s.execute(() -> { }, Priority.LOW);
            }
            ExecutorHealth full = ExecutorHealth.of(null, false, s.metrics(), 3);
            assertFalse(full.ready());
            assertTrue(full.live(), "a full queue is not a dead executor");
            assertTrue(full.problems().get(0).contains("capacity of 3"), full.problems().toString());
            blocker.release();
            dev.echo.testing.Await.until(() -> ExecutorHealth.of(null, false, s.metrics(), 3).ready(), Duration.ofSeconds(10),
                    () -> "ready again after the queue drained");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void notReadyWhileStopping() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("h-stop").build();
        try {
            ExecutorHealth h = ExecutorHealth.of("app", true, s.metrics(), Integer.MAX_VALUE);
            assertFalse(h.ready());
            assertTrue(h.live());
            assertEquals("unbounded", h.data().get("queueCapacity"));
            assertEquals("app", h.data().get("application"));
            assertTrue(h.data().get("problems").toString().contains("stopping"));
        } finally {
            Schedulers.stop(s);
        }
        assertFalse(ExecutorHealth.stopped().ready());
    }

    @Test
    void notLiveOnceAWorkerThreadDied() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("h-dead")
                .threadFactory(new DeadThreadFactory(1)).build();
        dev.echo.testing.Await.until(() -> !ExecutorHealth.of(null, false, s.metrics(), Integer.MAX_VALUE).live(),
                Duration.ofSeconds(10), () -> "liveness DOWN");
        ExecutorHealth h = ExecutorHealth.of(null, false, s.metrics(), Integer.MAX_VALUE);
        assertEquals("1 of 2 worker threads died", h.problems().get(0));
        assertTrue(h.ready(), "the live worker still takes work");
        s.shutdownNow();
    }
}
