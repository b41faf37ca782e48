package dev.echo.scheduler;

import dev.echo.task.Priority;
import dev.echo.testing.Await;
import dev.echo.testing.Schedulers;
import dev.echo.testing.Spin;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Compensation: tasks that block must not starve a pool sized to the CPUs. Spare workers come
 * when every worker is busy, work is queued and nothing has started for the stall threshold (or
 * at once through managedBlock), never beyond maxWorkers, and they retire when idle.
 */
class CompensationTest {

    /** {@code n} tasks that can only finish once all {@code n} have started. */
    private static List<CompletableFuture<Boolean>> waitingForEachOther(Scheduler s, int n, CountDownLatch together) {
        List<CompletableFuture<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(s.submit(() -> {
                together.countDown();
                return together.await(30, TimeUnit.SECONDS);
            }, Priority.NORMAL));
        }
        return tasks;
    }

    @Test
    void fourTasksThatWaitForEachOtherAllRunOnTwoWorkers() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).stallThreshold(Duration.ofMillis(50)).name("comp").build();
        try {
            assertEquals(SchedulerBuilder.defaultMaxWorkers(2), s.maxWorkers());
            CountDownLatch together = new CountDownLatch(4);
            for (CompletableFuture<Boolean> f : waitingForEachOther(s, 4, together)) {
                assertTrue(f.get(20, TimeUnit.SECONDS), "a task timed out waiting for the others");
            }
            assertTrue(s.metrics().sparesStarted() >= 2, s.metrics().toString());
            // spares retire once idle: the pool is back to its workers
            Await.until(() -> s.metrics().spareWorkers() == 0, Duration.ofSeconds(10), () -> "spares retire: " + s.metrics());
        } finally {
            Schedulers.stop(s);
        }
        assertEquals(s.metrics().submitted(), s.metrics().finished(), s.metrics().toString());
    }

    @Test
    void neverMoreThanMaxWorkersRunAtOnce() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).maxWorkers(3).stallThreshold(Duration.ofMillis(20))
                .name("comp-cap").build();
        CountDownLatch together = new CountDownLatch(4); // needs 4 at once: only 3 may run
        List<CompletableFuture<Boolean>> tasks = waitingForEachOther(s, 4, together);
        try {
            // three start (two workers and one spare); the fourth can never start beside them
            Await.until(() -> together.getCount() == 1 && s.metrics().sparesStarted() == 1, Duration.ofSeconds(10),
                    () -> "two workers and one spare run: " + s.metrics());
            // several stall thresholds later, still no second spare (a real duration is the point here)
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            assertEquals(1, together.getCount(), "a fourth task started beyond maxWorkers");
            assertEquals(1, s.metrics().spareWorkers());
            assertEquals(1, s.metrics().sparesStarted());
        } finally {
            together.countDown(); // let the three finish, then the fourth
            for (CompletableFuture<Boolean> f : tasks) {
                f.get(20, TimeUnit.SECONDS);
            }
            Schedulers.stop(s);
        }
    }

    @Test
    void aCpuBoundFloodNeverGrowsThePoolPastMaxWorkers() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).maxWorkers(3).stallThreshold(Duration.ofMillis(5))
                .name("comp-flood").build();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<CompletableFuture<Void>> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                flood.add(s.submit(() -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Spin.busy(TimeUnit.MILLISECONDS.toNanos(20)); // long CPU work: starts are rare, spares may come
                    running.decrementAndGet();
                }, Priority.NORMAL));
            }
            for (CompletableFuture<Void> f : flood) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(mostAtOnce.get() <= 3, "at most maxWorkers=3 tasks ran at once, saw " + mostAtOnce.get());
            assertTrue(s.metrics().spareWorkers() <= 1);
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void withMaxWorkersEqualToWorkersThereIsNoCompensation() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).maxWorkers(2).stallThreshold(Duration.ofMillis(10))
                .name("comp-off").build();
        CountDownLatch together = new CountDownLatch(3);
        List<CompletableFuture<Boolean>> tasks = waitingForEachOther(s, 3, together);
        try {
            Await.until(() -> together.getCount() == 1, Duration.ofSeconds(10), () -> "the two workers run a task each");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            assertEquals(1, together.getCount(), "a third task started although compensation is off");
            assertEquals(0, s.metrics().sparesStarted());
        } finally {
            together.countDown();
            for (CompletableFuture<Boolean> f : tasks) {
                f.get(20, TimeUnit.SECONDS);
            }
            Schedulers.stop(s);
        }
    }

    @Test
    void managedBlockAddsASpareAtOnceWithoutWaitingForTheStallThreshold() throws Exception {
        // a stall threshold of an hour: only managedBlock can bring the spare in time
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(2).stallThreshold(Duration.ofHours(1))
                .name("comp-managed").build();
        try {
            CountDownLatch secondRan = new CountDownLatch(1);
            CompletableFuture<Boolean> first = s.submit(() -> {
                s.execute(secondRan::countDown, Priority.NORMAL); // queued behind this task on the only worker
                ForkJoinPool.ManagedBlocker waitForSecond = new ForkJoinPool.ManagedBlocker() {
                    @Override
                    public boolean block() throws InterruptedException {
                        return secondRan.await(20, TimeUnit.SECONDS);
                    }

                    @Override
                    public boolean isReleasable() {
                        return secondRan.getCount() == 0;
                    }
                };
                Scheduler.managedBlock(waitForSecond);
                return secondRan.getCount() == 0;
            }, Priority.NORMAL);
            assertTrue(first.get(30, TimeUnit.SECONDS), "the queued task did not run while the only worker was blocked");
            assertEquals(1, s.metrics().sparesStarted());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void managedBlockOutsideAWorkerSimplyBlocks() throws Exception {
        AtomicInteger blocks = new AtomicInteger();
        Scheduler.managedBlock(new ForkJoinPool.ManagedBlocker() {
            @Override
            public boolean block() {
                return blocks.incrementAndGet() == 3;
            }

            @Override
            public boolean isReleasable() {
                return false;
            }
        });
        assertEquals(3, blocks.get());
        assertThrows(NullPointerException.class, () -> Scheduler.managedBlock(null));
    }

    @Test
    void anIdlePoolRunsNoWatch() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).stallThreshold(Duration.ofMillis(10)).name("comp-idle").build();
        try {
            for (int i = 0; i < 100; i++) {
                s.submit(() -> { }).get(10, TimeUnit.SECONDS);
            }
            Await.until(() -> s.metrics().parkedWorkers() == 2, Duration.ofSeconds(10), () -> "workers park");
            assertEquals(0, s.metrics().delayed(), "the stall watch is not a delayed task");
            assertEquals(0, s.metrics().sparesStarted());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void maxWorkersAndStallThresholdAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> SchedulerBuilder.create().maxWorkers(0));
        assertThrows(IllegalArgumentException.class, () -> SchedulerBuilder.create().maxWorkers(40_000));
        IllegalArgumentException below = assertThrows(IllegalArgumentException.class,
                () -> SchedulerBuilder.create().workerCount(4).maxWorkers(3).build());
        assertTrue(below.getMessage().contains("at least workerCount (4)"), below.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulerBuilder.create().stallThreshold(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> SchedulerBuilder.create().stallThreshold(null));
        assertEquals(8, SchedulerBuilder.defaultMaxWorkers(2));
        assertEquals(5, SchedulerBuilder.defaultMaxWorkers(1));
        assertEquals(16, SchedulerBuilder.defaultMaxWorkers(4));
        assertEquals(SchedulerBuilder.MAX_WORKERS, SchedulerBuilder.defaultMaxWorkers(32_000));
    }
}
