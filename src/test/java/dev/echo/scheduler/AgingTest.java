package dev.echo.scheduler;

import dev.echo.testing.Blocker;
import dev.echo.testing.Spin;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Anti-starvation: LOW work still starts under a flood of HIGH work, once it has aged. */
class AgingTest {

    /**
     * Keeps the single worker busy with HIGH tasks for as long as {@code flooding} is set: each
     * HIGH task re-submits two more, so a HIGH task is always waiting.
     */
    private static void flood(Scheduler s, AtomicBoolean flooding, CountDownLatch established) {
        if (!flooding.get()) {
            return;
        }
        s.execute(() -> {
            Spin.busy(200_000);
            flood(s, flooding, established);
            flood(s, flooding, established);
            established.countDown();
        }, Priority.HIGH);
    }

    /** Measures how long a LOW task waits under the flood; fails if it has not started after {@code limit}. */
    private static long lowWaitUnderFlood(Duration aging, Duration limit) throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).agingThreshold(aging).name("aging").build();
        AtomicBoolean flooding = new AtomicBoolean(true);
        try {
            CountDownLatch established = new CountDownLatch(100); // 100 HIGH tasks ran, each queued two more
            flood(s, flooding, established);
            flood(s, flooding, established);
            assertTrue(established.await(10, TimeUnit.SECONDS), "the HIGH flood did not start");
            AtomicLong startedAt = new AtomicLong();
            long submittedAt = System.nanoTime();
            CompletableFuture<Void> low = s.submit(() -> startedAt.set(System.nanoTime()), Priority.LOW);
            try {
                low.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return -1;
            }
            return startedAt.get() - submittedAt;
        } finally {
            flooding.set(false);
            s.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void lowStartsUnderAHighFloodOnceItHasAged() throws Exception {
        Duration aging = Duration.ofMillis(100);
        long waited = lowWaitUnderFlood(aging, Duration.ofSeconds(20));
        assertTrue(waited >= 0, "the LOW task never started under the HIGH flood");
        // Priority is honoured until it is promoted (two check intervals before the deadline)...
        long promotion = Worker.promotionNanos(aging.toNanos());
        assertTrue(waited >= promotion, "LOW started before it aged: " + waited + " ns, promotion at " + promotion);
        // ...and starts soon after it: one running HIGH task (0.2 ms) plus scheduling noise.
        // The generous margin keeps this a behaviour test on a shared machine, not a timing test.
        assertTrue(waited < aging.toNanos() + TimeUnit.SECONDS.toNanos(2), "LOW waited " + waited / 1_000_000 + " ms");
    }

    /**
     * A LOW task forked into the deque of a worker that then blocks: only the other worker can
     * run it, and that one serves a HIGH flood. Ageing must reach into the blocked worker's deque.
     */
    @Test
    void anAgedTaskInABlockedWorkersDequeIsServedByAnotherWorker() throws Exception {
        Duration aging = Duration.ofMillis(100);
        Scheduler s = SchedulerBuilder.create().workerCount(2).agingThreshold(aging).name("aging-deque").build();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong submittedAt = new AtomicLong();
        AtomicLong startedAt = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> low = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        CountDownLatch established = new CountDownLatch(100);
        // On one worker: start a HIGH flood (the other worker picks it up), then fork a LOW task
        // into this worker's own deque and block. Only the flooding worker can run the LOW task.
        Blocker holder = new Blocker(() -> {
            flood(s, flooding, established);
            flood(s, flooding, established);
            try {
                assertTrue(established.await(10, TimeUnit.SECONDS), "the HIGH flood did not start");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            submittedAt.set(System.nanoTime());
            low.set(s.submit(() -> startedAt.set(System.nanoTime()), Priority.LOW));
            forked.countDown();
        });
        try {
            s.execute(holder, Priority.HIGH);
            assertTrue(forked.await(20, TimeUnit.SECONDS), "the holder did not fork its LOW task");
            try {
                low.get().get(20, TimeUnit.SECONDS); // generous: the point is that it starts at all
            } catch (java.util.concurrent.TimeoutException e) {
                fail("a LOW task in a blocked worker's deque never aged out under the flood: " + s.metrics());
            }
            long waited = startedAt.get() - submittedAt.get();
            assertTrue(waited >= Worker.promotionNanos(aging.toNanos()), "LOW started before it aged: " + waited + " ns");
        } finally {
            flooding.set(false);
            holder.release();
            s.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void withoutAgingWithinTheWindowLowStaysBehindTheFlood() throws Exception {
        // Control: with a threshold far beyond the observation window, the same flood starves
        // LOW for the whole window — so the previous test's LOW start is due to ageing.
        long waited = lowWaitUnderFlood(Duration.ofHours(1), Duration.ofMillis(700));
        assertEquals(-1, waited, "LOW started under the flood although it had not aged");
    }
}
