package dev.echo.cdi;

import dev.echo.testing.ManagedTasks;
import jakarta.enterprise.concurrent.LastExecution;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.SkippedException;
import jakarta.enterprise.concurrent.Trigger;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Trigger-driven tasks against the javadoc of {@code Trigger}, {@code LastExecution} and
 * {@code ManagedScheduledExecutorService.schedule(…, Trigger)}: each "must", "will" and "throws".
 */
@EnableWeld
class TriggerWeldTest {

    @WeldSetup
    WeldInitiator weld = EchoWeld.initiator(EchoBeans.class);

    @Inject
    EchoBeans beans;

    private ManagedScheduledExecutorService scheduler() {
        return beans.scheduled;
    }

    /** A trigger from two lambdas that records what it was told. */
    private static final class Recording implements Trigger {
        final List<LastExecution> lasts = Collections.synchronizedList(new ArrayList<>());
        final List<Date> scheduledTimes = Collections.synchronizedList(new ArrayList<>());
        final List<Date> proposed = Collections.synchronizedList(new ArrayList<>());
        final List<Date> skipAsked = Collections.synchronizedList(new ArrayList<>());
        private final BiFunction<Integer, LastExecution, Long> nextIn;
        private final BiPredicate<Integer, LastExecution> skip;
        private final AtomicInteger calls = new AtomicInteger();

        /** @param nextIn for the n-th call (from 0) and the last execution: milliseconds from now, or null to end */
        Recording(BiFunction<Integer, LastExecution, Long> nextIn, BiPredicate<Integer, LastExecution> skip) {
            this.nextIn = nextIn;
            this.skip = skip;
        }

        @Override
        public Date getNextRunTime(LastExecution last, Date taskScheduledTime) {
            lasts.add(last);
            scheduledTimes.add(taskScheduledTime);
            Long in = nextIn.apply(calls.getAndIncrement(), last);
            Date next = in == null ? null : new Date(System.currentTimeMillis() + in);
            if (next != null) {
                proposed.add(next);
            }
            return next;
        }

        @Override
        public boolean skipRun(LastExecution last, Date scheduledRunTime) {
            skipAsked.add(scheduledRunTime);
            return skip.test(skipAsked.size() - 1, last);
        }
    }

    @Test
    void theTriggerDecidesEachRunAndTheFutureEndsWithTheFinalResult() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Recording trigger = new Recording((n, last) -> n < 3 ? 5L : null, (n, last) -> false);
        long before = System.currentTimeMillis();
        ScheduledFuture<Integer> f = scheduler().schedule(runs::incrementAndGet, trigger);
        long after = System.currentTimeMillis();
        awaitEnd(f);
        assertEquals(3, f.get(10, TimeUnit.SECONDS), "the result of the final execution");
        assertTrue(f.isDone());
        assertEquals(3, runs.get());
        assertNull(trigger.lasts.get(0), "lastExecutionInfo is null before the task has run");
        for (Date scheduled : trigger.scheduledTimes) {
            assertTrue(scheduled.getTime() >= before && scheduled.getTime() <= after,
                    "taskScheduledTime is when schedule() was invoked: " + scheduled);
        }
        assertEquals(trigger.proposed, trigger.skipAsked, "skipRun is asked about the time getNextRunTime returned");
    }

    @Test
    void lastExecutionDescribesThePreviousRunWithTheTasksIdentityName() throws Exception {
        Recording trigger = new Recording((n, last) -> n < 2 ? 5L : null, (n, last) -> false);
        ScheduledFuture<String> f = scheduler().schedule(ManagedTasks.callable(() -> "result-" + System.nanoTime(),
                Map.of(ManagedTask.IDENTITY_NAME, "nightly-report"), null), trigger);
        awaitEnd(f);
        String finalResult = f.get(10, TimeUnit.SECONDS);
        LastExecution first = trigger.lasts.get(1);
        LastExecution second = trigger.lasts.get(2);
        for (LastExecution last : List.of(first, second)) {
            assertEquals("nightly-report", last.getIdentityName());
            assertNotNull(last.getRunStart());
            assertNotNull(last.getRunEnd());
            assertFalse(last.getRunStart().before(last.getScheduledStart()), "a run starts on or after its scheduled time");
            assertFalse(last.getRunEnd().before(last.getRunStart()));
            ZoneId zone = ZoneId.of("Asia/Tokyo");
            assertEquals(last.getScheduledStart().toInstant(), last.getScheduledStart(zone).toInstant());
            assertEquals(zone, last.getScheduledStart(zone).getZone());
            assertEquals(last.getRunStart().toInstant(), last.getRunStart(zone).toInstant());
            assertEquals(last.getRunEnd().toInstant(), last.getRunEnd(zone).toInstant());
        }
        assertEquals(trigger.proposed.get(0), first.getScheduledStart(), "the time the trigger asked for");
        assertEquals(trigger.proposed.get(1), second.getScheduledStart());
        assertEquals(finalResult, second.getResult());
        assertNotEquals(first.getResult(), second.getResult());
    }

    @Test
    void aTaskWithoutAnIdentityNameHasANullOne() throws Exception {
        Recording trigger = new Recording((n, last) -> n < 1 ? 1L : null, (n, last) -> false);
        ScheduledFuture<String> f = scheduler().schedule(() -> "x", trigger);
        awaitEnd(f);
        assertEquals("x", f.get(10, TimeUnit.SECONDS));
        assertNull(trigger.lasts.get(1).getIdentityName());
    }

    /** Waits until the repetition behind {@code f} has ended (isDone), without calling get. */
    private static void awaitEnd(ScheduledFuture<?> f) throws Exception {
        dev.echo.testing.Await.until(f::isDone, java.time.Duration.ofSeconds(10), () -> "the repetition did not end");
    }

    @Test
    void aSkippedFinalRunMakesTheFutureThrowSkippedException() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Recording trigger = new Recording((n, last) -> n < 2 ? 1L : null, (n, last) -> n == 1); // runs, then skips
        ScheduledFuture<Integer> f = scheduler().schedule(runs::incrementAndGet, trigger);
        awaitEnd(f);
        // thrown as itself: a SkippedException is an ExecutionException, not wrapped in another
        SkippedException e = assertThrows(SkippedException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertNull(e.getCause(), "skipRun returned true: no cause");
        assertThrows(SkippedException.class, f::get);
        assertEquals(1, runs.get(), "the skipped run did not execute");
        assertEquals(1, trigger.lasts.get(2).getResult(), "after a skip, the last execution is still the one that ran");
    }

    @Test
    void aSkipFollowedByARunEndsWithThatRunsResult() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Recording trigger = new Recording((n, last) -> n < 2 ? 1L : null, (n, last) -> n == 0); // skips, then runs
        ScheduledFuture<Integer> f = scheduler().schedule(runs::incrementAndGet, trigger);
        awaitEnd(f);
        assertEquals(1, f.get(10, TimeUnit.SECONDS), "a later execution ran: its result replaces the skip");
        assertNull(trigger.lasts.get(1), "a skip is not an execution: still nothing ran");
    }

    @Test
    void onceARunIsSkippedGetThrowsSkippedExceptionAtOnceWhileTheTriggerGoesOn() throws Exception {
        // the TCK's OnceTriggerDelaySkip: a next time whenever nothing has run yet, and every run skipped
        Trigger skipsForEver = new Trigger() {
            @Override
            public Date getNextRunTime(LastExecution last, Date taskScheduledTime) {
                return last != null ? null : new Date(System.currentTimeMillis() + 20);
            }

            @Override
            public boolean skipRun(LastExecution last, Date scheduledRunTime) {
                return true;
            }
        };
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<Integer> f = scheduler().schedule(runs::incrementAndGet, skipsForEver);
        try {
            // before: get() waited for a final run that never comes
            assertThrows(SkippedException.class, () -> f.get(10, TimeUnit.SECONDS), "the first skip is reported");
            assertThrows(SkippedException.class, f::get, "untimed get too, at once");
            assertFalse(f.isDone(), "the trigger still proposes runs: the task is not done");
            assertEquals(0, runs.get());
        } finally {
            assertTrue(f.cancel(true));
        }
        assertTrue(f.isDone() && f.isCancelled());
        assertThrows(java.util.concurrent.CancellationException.class, f::get, "cancelled: no longer the skip");
    }

    @Test
    void getReportsTheLatestExecutionARunAfterASkipReplacesIt() throws Exception {
        CountDownLatch secondRunMayEnd = new CountDownLatch(1);
        Recording trigger = new Recording((n, last) -> n < 2 ? 1L : null, (n, last) -> n == 0); // skips, then runs
        ScheduledFuture<String> f = scheduler().schedule(() -> {
            secondRunMayEnd.await(); // the second run ends only when the test has seen the skip
            return "ran";
        }, trigger);
        assertThrows(SkippedException.class, () -> f.get(10, TimeUnit.SECONDS), "the skip is the latest execution");
        assertFalse(f.isDone());
        secondRunMayEnd.countDown();
        awaitEnd(f);
        assertEquals("ran", f.get(10, TimeUnit.SECONDS), "a later run replaces the skip");
    }

    @Test
    void aSkippedRunNeverStartsItsListenerHearsAbortedWithTheSkipThenDone() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Recording trigger = new Recording((n, last) -> n < 2 ? 1L : null, (n, last) -> n == 0); // skips, then runs
        dev.echo.testing.RecordingListener listener = new dev.echo.testing.RecordingListener();
        ScheduledFuture<Integer> f = scheduler().schedule(ManagedTasks.callable(runs::incrementAndGet, Map.of(), listener), trigger);
        awaitEnd(f);
        dev.echo.testing.Await.until(() -> listener.events.size() >= 6, java.time.Duration.ofSeconds(10),
                () -> "both executions reported: " + listener.events);
        // before: the skipped run was reported as started, and done without a failure, like a run
        assertEquals(List.of("submitted", "aborted:SkippedException", "done:null", "submitted", "starting", "done:null"),
                listener.events);
        assertEquals(1, runs.get());
    }

    @Test
    void anUncheckedExceptionFromSkipRunIsWrappedInSkippedException() throws Exception {
        Trigger throwing = new Trigger() {
            private final AtomicInteger calls = new AtomicInteger();

            @Override
            public Date getNextRunTime(LastExecution last, Date taskScheduledTime) {
                return calls.getAndIncrement() == 0 ? new Date() : null;
            }

            @Override
            public boolean skipRun(LastExecution last, Date scheduledRunTime) {
                throw new IllegalStateException("paused");
            }
        };
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<Integer> f = scheduler().schedule(runs::incrementAndGet, throwing);
        SkippedException skipped = assertThrows(SkippedException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("paused", skipped.getCause().getMessage());
        assertEquals(0, runs.get());
    }

    @Test
    void aThrowingGetNextRunTimeEndsTheRepetitionWithItsException() {
        Trigger broken = new Trigger() {
            @Override
            public Date getNextRunTime(LastExecution last, Date taskScheduledTime) {
                throw new IllegalArgumentException("no calendar");
            }

            @Override
            public boolean skipRun(LastExecution last, Date scheduledRunTime) {
                return false;
            }
        };
        ScheduledFuture<String> f = scheduler().schedule(() -> "x", broken);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("no calendar", e.getCause().getMessage());
    }

    @Test
    void aFailingRunEndsTheRepetitionWithItsFailure() {
        AtomicInteger runs = new AtomicInteger();
        Recording trigger = new Recording((n, last) -> 1L, (n, last) -> false); // would repeat forever
        ScheduledFuture<Object> f = scheduler().schedule(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("run failed");
        }, trigger);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("run failed", e.getCause().getMessage());
        assertEquals(1, runs.get());
    }

    @Test
    void aRunnableWithATriggerRunsAndItsFutureYieldsNull() throws Exception {
        CountDownLatch two = new CountDownLatch(2);
        Recording trigger = new Recording((n, last) -> n < 2 ? 1L : null, (n, last) -> false);
        ScheduledFuture<?> f = scheduler().schedule((Runnable) two::countDown, trigger);
        assertNull(f.get(10, TimeUnit.SECONDS), "get() returns null upon completion (of the first run, then of the last)");
        awaitEnd(f);
        assertNull(f.get(10, TimeUnit.SECONDS));
        assertEquals(0, two.getCount());
    }

    @Test
    void cancellingStopsFurtherRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        Recording trigger = new Recording((n, last) -> n == 0 ? 1L : 3_600_000L, (n, last) -> false); // then hourly
        ScheduledFuture<Integer> f = scheduler().schedule(() -> {
            first.countDown();
            return runs.incrementAndGet();
        }, trigger);
        assertTrue(first.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled() && f.isDone());
        assertThrows(CancellationException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertFalse(f.cancel(false), "a second cancel has nothing to cancel");
    }

    @Test
    void nullArgumentsAreRejected() {
        Trigger never = new Recording((n, last) -> null, (n, last) -> false);
        assertThrows(NullPointerException.class, () -> scheduler().schedule((Runnable) null, never));
        assertThrows(NullPointerException.class, () -> scheduler().schedule((java.util.concurrent.Callable<?>) null, never));
        assertThrows(NullPointerException.class, () -> scheduler().schedule(() -> "x", (Trigger) null));
    }

    @Test
    void periodicSchedulingRejectsANonPositivePeriodOrDelay() {
        for (long bad : new long[]{0, -5}) {
            IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                    () -> scheduler().scheduleAtFixedRate(() -> { }, 0, bad, TimeUnit.MILLISECONDS));
            assertTrue(rate.getMessage().contains(Long.toString(bad)), rate.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> scheduler().scheduleWithFixedDelay(() -> { }, 0, bad, TimeUnit.MILLISECONDS));
        }
        assertThrows(NullPointerException.class, () -> scheduler().scheduleAtFixedRate(null, 0, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> scheduler().scheduleWithFixedDelay(null, 0, 1, TimeUnit.SECONDS));
    }
}
