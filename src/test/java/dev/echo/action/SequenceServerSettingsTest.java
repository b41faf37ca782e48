package dev.echo.action;

import dev.echo.action.limit.AttemptTimeout;
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** What the server declares per function and the Sequence applies: attempt timeouts (fixed, adaptive) and cached runs. */
class SequenceServerSettingsTest {

    private final Scheduler scheduler = SchedulerBuilder.create().workerCount(1).name("settings").build();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.stop(Duration.ofSeconds(5));
    }

    private Sequence sequence(Plan plan) {
        return new Sequence(scheduler, plan, Map.of(
                "audit", (a, r) -> log.add("before:" + a.name()),
                "notify", (a, r) -> log.add("after:" + a.name())), () -> 0);
    }

    private static Action action(String id, String name, Object content, Duration clientTimeout, RetryPolicy retry, List<Action> next,
                                 List<String> before, List<String> after) {
        return new Action(id, name, content, Priority.NORMAL,
                new Action.Metadata(null, before, after, next, retry, clientTimeout, null, null));
    }

    private static Action action(String id, String name, Object content, Duration clientTimeout) {
        return action(id, name, content, clientTimeout, null, null, null, null);
    }

    @Test
    void afterAHundredFastAttemptsASlowOneIsInterruptedWellBeforeTheMaximumWithTimeout() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Plan plan = Plan.builder().add("work", c -> {
            if ("slow".equals(c)) {
                try {
                    dev.echo.testing.Blocking.untilInterrupted(); // "5 s or more": only the timeout's interrupt ends it
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            Thread.sleep(10);
            return "done";
        }).build();
        Sequence s = sequence(plan);
        AttemptTimeout adaptive = AttemptTimeout.adaptive(3, 100, Duration.ofMillis(100), Duration.ofSeconds(30));
        s.timeAttempts("work", adaptive);
        assertEquals(Duration.ofSeconds(30), adaptive.current(), "before any sample: the maximum");
        ActionRun first = s.submit(action("fast-0", "work", "fast", Duration.ZERO), Set.of());
        assertEquals("done", first.completion().get(10, TimeUnit.SECONDS));
        assertEquals(Map.of(1, Duration.ofSeconds(30)), first.attemptTimeouts(), "the run says which timeout its attempt had");
        for (int i = 1; i < 100; i++) {
            assertEquals("done", s.submit(action("fast-" + i, "work", "fast", Duration.ZERO), Set.of()).completion().get(10, TimeUnit.SECONDS));
        }
        Duration learned = adaptive.current();
        assertTrue(learned.compareTo(Duration.ofMillis(100)) >= 0 && learned.compareTo(Duration.ofSeconds(5)) < 0,
                "3 x p99 of ~10 ms attempts, at least the minimum: " + learned);
        ActionRun slow = s.submit(action("slow", "work", "slow", Duration.ZERO), Set.of());
        // the body blocks for a minute unless interrupted: 10 s is far below the 30 s maximum
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the slow attempt was not interrupted by the learned timeout");
        ExecutionException e = assertThrows(ExecutionException.class, () -> slow.completion().get(10, TimeUnit.SECONDS));
        assertEquals(ActionException.Kind.TIMEOUT, ((ActionException) e.getCause()).kind());
        assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause().getCause());
        assertEquals(Map.of(1, learned), slow.attemptTimeouts());
        assertEquals(learned, adaptive.current(), "a failed attempt teaches nothing");
    }

    @Test
    void aClientTimeoutAboveTheServersIsIgnoredAndOneBelowItApplies() throws Exception {
        Plan plan = Plan.builder().add("quick", c -> "ok").build();
        Sequence s = sequence(plan);
        s.timeAttempts("quick", AttemptTimeout.fixed(Duration.ofSeconds(5)));
        ActionRun none = s.submit(action("none", "quick", null, Duration.ZERO), Set.of());
        ActionRun higher = s.submit(action("higher", "quick", null, Duration.ofMinutes(10)), Set.of());
        ActionRun lower = s.submit(action("lower", "quick", null, Duration.ofMillis(1500)), Set.of());
        for (ActionRun r : List.of(none, higher, lower)) {
            assertEquals("ok", r.completion().get(10, TimeUnit.SECONDS));
        }
        assertEquals(Map.of(1, Duration.ofSeconds(5)), none.attemptTimeouts());
        assertEquals(Map.of(1, Duration.ofSeconds(5)), higher.attemptTimeouts(), "a client cannot raise the server's timeout");
        assertEquals(Map.of(1, Duration.ofMillis(1500)), lower.attemptTimeouts(), "a client may lower it");
        assertTrue(s.attemptTimeout("quick").isPresent());
        assertTrue(s.attemptTimeout("other").isEmpty());
    }

    @Test
    void eachAttemptOverTheServersTimeoutIsInterruptedThenTheRetryPolicyAppliesAndTheRunEndsTimeout() throws Exception {
        AtomicInteger interrupts = new AtomicInteger();
        Plan plan = Plan.builder().add("stuck", c -> {
            try {
                dev.echo.testing.Blocking.untilInterrupted();
            } catch (InterruptedException e) {
                interrupts.incrementAndGet();
                throw e;
            }
            return "never";
        }).build();
        Sequence s = sequence(plan);
        s.timeAttempts("stuck", AttemptTimeout.fixed(Duration.ofMillis(200)));
        RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, Duration.ZERO);
        ActionRun run = s.submit(action("t", "stuck", null, Duration.ZERO, twice, null, null, null), Set.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(20, TimeUnit.SECONDS));
        assertEquals(ActionException.Kind.TIMEOUT, ((ActionException) e.getCause()).kind());
        assertEquals(2, run.attempts(), "the retry policy applied to the timed-out attempt");
        assertEquals(Map.of(1, Duration.ofMillis(200), 2, Duration.ofMillis(200)), run.attemptTimeouts());
    }

    @Test
    void aCachedRunSucceedsAtOnceWithoutInvokingTheFunctionOrItsHooksAndItsChainStartsWithTheCachedResult() throws Exception {
        AtomicInteger invoked = new AtomicInteger();
        List<Object> chainedWith = new CopyOnWriteArrayList<>();
        Plan plan = Plan.builder()
                .add("quote", c -> {
                    invoked.incrementAndGet();
                    return "fresh";
                })
                .add("mail", c -> {
                    chainedWith.add(c);
                    return "mailed";
                }).build();
        Sequence s = sequence(plan);
        List<String> finished = new CopyOnWriteArrayList<>();
        s.observer(new ActionObserver() {
            @Override
            public void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
                finished.add(action.name() + ":" + state + ":" + attempts);
            }
        });
        List<ActionRun> started = new CopyOnWriteArrayList<>();
        s.onStart(started::add);
        Action a = action("c", "quote", Map.of("x", 1), Duration.ZERO, null,
                List.of(action("ignored", "mail", null, Duration.ZERO)), List.of("audit"), List.of("notify"));
        ActionRun run = s.submitCached(a, RunContext.NONE, "from the cache");
        assertEquals(ActionRun.State.SUCCEEDED, run.state());
        assertTrue(run.cached());
        assertEquals(0, run.attempts());
        assertEquals("from the cache", run.completion().getNow(null));
        assertEquals("mailed", run.next().get(0).completion().get(10, TimeUnit.SECONDS));
        assertFalse(run.next().get(0).cached(), "the chained action ran its function");
        assertEquals(List.of("from the cache"), chainedWith);
        assertEquals(0, invoked.get(), "the function was not invoked");
        assertEquals(List.of(), log, "no hook ran");
        assertEquals(List.of(run, run.next().get(0)), started, "listeners see the cached run and its chain");
        assertTrue(finished.contains("quote:SUCCEEDED:0"), finished.toString());
        ActionRun plain = s.submit(action("p", "quote", null, Duration.ZERO), Set.of());
        assertEquals("fresh", plain.completion().get(10, TimeUnit.SECONDS));
        assertFalse(plain.cached());
    }
}
