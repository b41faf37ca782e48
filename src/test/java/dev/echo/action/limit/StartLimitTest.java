package dev.echo.action.limit;

import dev.echo.action.Action;
import dev.echo.action.ActionRun;
import dev.echo.action.Plan;
import dev.echo.action.Sequence;

import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** max-starts: attempts start no faster than the limit, wait without a worker, most urgent first, none dropped. */
class StartLimitTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final List<Runnable> timers = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private final List<String> started = new ArrayList<>();
    private final List<java.util.concurrent.Future<?>> handles = new ArrayList<>();

    private StartLimit limit(long count, Duration per) {
        return new StartLimit(count, per, now::get, (delay, release) -> {
            delays.add(delay);
            timers.add(release);
            java.util.concurrent.CompletableFuture<Object> handle = new java.util.concurrent.CompletableFuture<>();
            handles.add(handle);
            return handle;
        });
    }

    /** A run's end as the limiter sees it: whether it ended, and the stage that completes then. */
    private record Run(java.util.concurrent.CompletableFuture<Object> completion) {
        boolean cancel() {
            return completion.cancel(false);
        }

        boolean isFinished() {
            return completion.isDone();
        }
    }

    private static Run run(String id) {
        return new Run(new java.util.concurrent.CompletableFuture<>());
    }

    private void offer(StartLimit l, String id, Priority p) {
        Run r = run(id);
        l.offer(r::isFinished, r.completion(), p.ordinal(), () -> started.add(id), e -> started.add("refused:" + id));
    }

    private void fireTimer() {
        Runnable t = timers.remove(0);
        t.run();
    }

    @Test
    void aBurstOfCountStartsAtOnceThenOnePerIntervalMostUrgentFirst() {
        StartLimit l = limit(2, Duration.ofSeconds(1));
        offer(l, "a", Priority.LOW);
        offer(l, "b", Priority.LOW);
        offer(l, "c", Priority.LOW);
        offer(l, "d", Priority.LOW);
        offer(l, "h", Priority.HIGH);
        assertEquals(List.of("a", "b"), started, "two at once");
        assertEquals(3, l.waitingCount());
        assertEquals(1, timers.size(), "one release is scheduled, whatever waits");
        assertEquals(Duration.ofMillis(500), delays.get(0), "the next start is one interval (1 s / 2) away");
        now.addAndGet(Duration.ofMillis(500).toNanos());
        fireTimer();
        assertEquals(List.of("a", "b", "h"), started, "the HIGH attempt overtakes the LOW ones that waited");
        now.addAndGet(Duration.ofMillis(499).toNanos());
        fireTimer(); // early: nothing starts, a new release is arranged
        assertEquals(3, started.size());
        now.addAndGet(Duration.ofMillis(1).toNanos());
        fireTimer();
        now.addAndGet(Duration.ofMillis(500).toNanos());
        fireTimer();
        assertEquals(List.of("a", "b", "h", "c", "d"), started, "arrival order within a priority; none dropped");
        assertEquals(0, l.waitingCount());
        assertTrue(timers.isEmpty(), "nothing waits, nothing is scheduled");
    }

    @Test
    void anAttemptWhoseRunEndedWhileItWaitedTakesNoStart() {
        StartLimit l = limit(1, Duration.ofSeconds(1));
        offer(l, "a", Priority.NORMAL);
        Run cancelled = run("x");
        l.offer(cancelled::isFinished, cancelled.completion(), Priority.NORMAL.ordinal(), () -> started.add("x"), e -> started.add("refused:x"));
        offer(l, "b", Priority.NORMAL);
        assertTrue(cancelled.cancel());
        assertEquals(1, l.waitingCount(), "the cancelled run left at once");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        fireTimer();
        assertEquals(List.of("a", "b"), started);
    }

    @Test
    void whenTheLastWaitingRunIsCancelledItsReleaseIsCancelledToo() {
        StartLimit l = limit(1, Duration.ofHours(1));
        offer(l, "a", Priority.NORMAL);
        Run waiting = run("w");
        l.offer(waiting::isFinished, waiting.completion(), Priority.NORMAL.ordinal(), () -> started.add("w"), e -> started.add("refused:w"));
        assertEquals(1, handles.size());
        assertFalse(handles.get(0).isCancelled());
        assertTrue(waiting.cancel());
        assertTrue(handles.get(0).isCancelled(), "an hour-long release does not outlive what it was for");
        assertEquals(0, l.waitingCount());
    }

    @Test
    void whenNoTimerCanBeHadTheWaitingAttemptsAreRefusedNotLeft() {
        StartLimit l = new StartLimit(1, Duration.ofSeconds(1), now::get, (delay, release) -> {
            throw new java.util.concurrent.RejectedExecutionException("stopping");
        });
        offer(l, "a", Priority.NORMAL);
        offer(l, "b", Priority.NORMAL);
        assertEquals(List.of("a", "refused:b"), started);
        assertEquals(0, l.waitingCount());
    }

    @Test
    void aSequenceStartsALimitedFunctionNoFasterThanItsLimitAndOtherWorkIsNotHeldUp() throws Exception {
        Scheduler scheduler = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("starts").build();
        try {
            List<Long> starts = new CopyOnWriteArrayList<>();
            Plan plan = Plan.builder().add("limited", c -> {
                starts.add(System.nanoTime());
                return c;
            }).add("free", c -> "free").build();
            Sequence seq = new Sequence(scheduler, plan, java.util.Map.of());
            seq.limitStarts("limited", 5, Duration.ofSeconds(1));
            long t0 = System.nanoTime();
            List<ActionRun> runs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                runs.add(seq.submit(new Action("l" + i, "limited", i, Priority.NORMAL, Action.Metadata.NONE), java.util.Set.of()));
            }
            assertTrue(seq.waitingStarts("limited") > 0, "some wait for their turn");
            // one worker, and attempts waiting: an unlimited action still runs at once
            assertEquals("free", seq.submit(new Action("f", "free", null, Priority.NORMAL, Action.Metadata.NONE), java.util.Set.of())
                    .completion().get(10, TimeUnit.SECONDS));
            for (ActionRun r : runs) {
                r.completion().get(60, TimeUnit.SECONDS); // all complete
            }
            List<Long> sorted = new ArrayList<>(starts);
            java.util.Collections.sort(sorted);
            assertEquals(50, sorted.size(), "all 50 ran");
            for (int k = 5; k < sorted.size(); k++) {
                long earliest = t0 + (k - 4) * Duration.ofMillis(200).toNanos() - Duration.ofMillis(20).toNanos();
                assertTrue(sorted.get(k) >= earliest, "start " + k + " came " + (earliest - sorted.get(k)) / 1_000_000 + " ms too early");
            }
        } finally {
            scheduler.stop(Duration.ofSeconds(5));
        }
    }
}
