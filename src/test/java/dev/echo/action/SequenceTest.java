package dev.echo.action;

import dev.echo.testing.Blocker;
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SequenceTest {

    private final Scheduler scheduler = SchedulerBuilder.create().workerCount(1).name("seq").build();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.stop(Duration.ofSeconds(5));
    }

    private static Action action(String id, String name, Object content, Action.Metadata meta) {
        return new Action(id, name, content, Priority.NORMAL, meta);
    }

    private static Action.Metadata meta(Duration delay, List<String> before, List<String> after, List<Action> next,
                                        RetryPolicy retry, String role) {
        return new Action.Metadata(delay, before, after, next, retry, null, role, null);
    }

    private Sequence sequence(Plan plan) {
        Map<String, ActionHook> hooks = Map.of(
                "audit", (a, r) -> log.add("before:" + a.name()),
                "notify", (a, r) -> log.add("after:" + a.name() + "=" + r));
        return new Sequence(scheduler, plan, hooks, () -> 0);
    }

    @Test
    void runsTheFunctionBetweenItsHooksAtItsPriority() throws Exception {
        Plan plan = Plan.builder().add("greet", c -> {
            log.add("run:" + Scheduler.currentPriority().orElse(null));
            return "hello " + c;
        }).build();
        Action a = new Action("1", "greet", "ada", Priority.HIGH,
                meta(null, List.of("audit"), List.of("notify"), null, null, null));
        ActionRun run = sequence(plan).submit(a, Set.of());
        assertEquals("hello ada", run.completion().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("before:greet", "run:HIGH", "after:greet=hello ada"), log);
        assertEquals(ActionRun.State.SUCCEEDED, run.state());
        assertEquals(1, run.attempts());
    }

    @Test
    void aFailingActionIsRetriedWithBackoffAndSucceedsOnTheThirdAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> times = new CopyOnWriteArrayList<>();
        Plan plan = Plan.builder().add("flaky", c -> {
            times.add(System.nanoTime());
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("attempt " + calls.get());
            }
            return "ok";
        }).build();
        RetryPolicy retry = new RetryPolicy(5, Duration.ofMillis(50), Duration.ofMillis(500), 2.0, Duration.ZERO);
        ActionRun run = sequence(plan).submit(action("r", "flaky", null, meta(null, null, null, null, retry, null)), Set.of());
        assertEquals("ok", run.completion().get(10, TimeUnit.SECONDS));
        assertEquals(3, run.attempts());
        assertTrue(times.get(1) - times.get(0) >= TimeUnit.MILLISECONDS.toNanos(50), "first backoff shorter than 50 ms");
        assertTrue(times.get(2) - times.get(1) >= TimeUnit.MILLISECONDS.toNanos(100), "second backoff shorter than 100 ms");
    }

    @Test
    void aRunReachesAFinalStateWhateverItsFunctionOrHookThrows() throws Exception {
        Plan plan = Plan.builder()
                .add("overflows", c -> recurse(0))
                .add("fine", c -> "fine")
                .build();
        Map<String, ActionHook> hooks = Map.of("breaks", (a, r) -> {
            throw new AssertionError("hook bug");
        });
        Sequence seq = new Sequence(scheduler, plan, hooks, () -> 0);
        ActionRun overflow = seq.submit(action("so", "overflows", null, null), Set.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> overflow.completion().get(10, TimeUnit.SECONDS));
        assertInstanceOf(StackOverflowError.class, e.getCause().getCause());
        assertEquals(ActionRun.State.FAILED, overflow.state());
        for (String phase : List.of("before", "after")) {
            Action.Metadata meta = phase.equals("before") ? meta(null, List.of("breaks"), null, null, null, null)
                    : meta(null, null, List.of("breaks"), null, null, null);
            ActionRun broken = seq.submit(action("h-" + phase, "fine", null, meta), Set.of());
            ExecutionException he = assertThrows(ExecutionException.class, () -> broken.completion().get(10, TimeUnit.SECONDS));
            assertInstanceOf(AssertionError.class, he.getCause().getCause(), phase);
            assertEquals(ActionRun.State.FAILED, broken.state(), phase);
        }
        assertEquals("fine", seq.submit(action("after", "fine", null, null), Set.of()).completion().get(10, TimeUnit.SECONDS),
                "the only worker still serves");
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    @Test
    void exhaustedRetriesEndWithATypedExecutionError() throws Exception {
        Plan plan = Plan.builder().add("broken", c -> {
            throw new IllegalStateException("always");
        }).build();
        RetryPolicy retry = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, Duration.ZERO);
        ActionRun run = sequence(plan).submit(action("x", "broken", null, meta(null, null, null, null, retry, null)), Set.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS));
        ActionException error = assertInstanceOf(ActionException.class, e.getCause());
        assertEquals(ActionException.Kind.EXECUTION, error.kind());
        assertTrue(error.getMessage().contains("after 2 attempt(s)"), error.getMessage());
        assertEquals("always", error.getCause().getMessage());
        assertEquals(ActionRun.State.FAILED, run.state());
    }

    @Test
    void aCircuitOpenOnTheLastAttemptEndsTheRunWithThatKindAfterTheActionsRetries() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Plan plan = Plan.builder().add("guarded", c -> {
            // what the EE layer throws when the function's circuit breaker refused the call
            if (calls.incrementAndGet() == 2) {
                throw new ActionException(ActionException.Kind.CIRCUIT_OPEN, "the circuit breaker of action 'guarded' is open");
            }
            if (calls.get() == 3) { // as a security layer wraps it (Liberty's WSSubject.doAs over JMS)
                throw new RuntimeException(new ActionException(ActionException.Kind.CIRCUIT_OPEN, "the circuit breaker of action 'guarded' is open"));
            }
            throw new IllegalStateException("first attempt fails in the body");
        }).build();
        RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, Duration.ZERO);
        ActionRun run = sequence(plan).submit(action("c", "guarded", null, meta(null, null, null, null, retry, null)), Set.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS));
        ActionException error = assertInstanceOf(ActionException.class, e.getCause());
        assertEquals(ActionException.Kind.CIRCUIT_OPEN, error.kind());
        assertTrue(error.getMessage().contains("after 3 attempt(s)") && error.getMessage().contains("circuit breaker of action 'guarded'"),
                error.getMessage());
        assertEquals(3, calls.get(), "the action's retry policy applied first");
        // a body that fails on its last attempt is an EXECUTION failure, whatever came before
        java.util.concurrent.atomic.AtomicInteger second = new java.util.concurrent.atomic.AtomicInteger();
        Plan other = Plan.builder().add("g2", c -> {
            if (second.incrementAndGet() == 1) {
                throw new ActionException(ActionException.Kind.CIRCUIT_OPEN, "open");
            }
            throw new IllegalStateException("closed again, and failing");
        }).build();
        ActionRun run2 = sequence(other).submit(action("d", "g2", null, meta(null, null, null, null,
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, Duration.ZERO), null)), Set.of());
        ExecutionException e2 = assertThrows(ExecutionException.class, () -> run2.completion().get(10, TimeUnit.SECONDS));
        assertEquals(ActionException.Kind.EXECUTION, assertInstanceOf(ActionException.class, e2.getCause()).kind());
    }

    @Test
    void aMissingRoleOrUnknownNameQueuesNothing() {
        Plan plan = Plan.builder().add("admin-only", c -> "x").build();
        Sequence seq = sequence(plan);
        long before = scheduler.metrics().submitted();
        ActionException license = assertThrows(ActionException.class, () -> seq.submit(
                action("l", "admin-only", null, meta(null, null, null, null, null, "admin")), Set.of("user")));
        assertEquals(ActionException.Kind.LICENSE, license.kind());
        ActionException routing = assertThrows(ActionException.class, () -> seq.submit(
                action("u", "nope", null, null), Set.of()));
        assertEquals(ActionException.Kind.ROUTING, routing.kind());
        ActionException hook = assertThrows(ActionException.class, () -> seq.submit(
                action("h", "admin-only", null, meta(null, List.of("missing"), null, null, null, null)), Set.of()));
        assertEquals(ActionException.Kind.ROUTING, hook.kind());
        ActionException chained = assertThrows(ActionException.class, () -> seq.submit(
                action("c", "admin-only", null, meta(null, null, null, List.of(action("n", "nope", null, null)), null, null)),
                Set.of()));
        assertEquals(ActionException.Kind.ROUTING, chained.kind());
        assertEquals(before, scheduler.metrics().submitted(), "a refused action queued something");
        assertEquals("x", seq.submit(action("ok", "admin-only", null, meta(null, null, null, null, null, "admin")),
                Set.of("admin")).completion().join());
    }

    @Test
    void aChainOfThreeFeedsEachResultToTheNext() throws Exception {
        Plan plan = Plan.builder()
                .add("parse", c -> Integer.parseInt((String) c))
                .add("double", c -> (Integer) c * 2)
                .add("describe", c -> "result=" + c)
                .build();
        Action describe = action("t3", "describe", null, null);
        Action dbl = action("t2", "double", null, meta(null, null, null, List.of(describe), null, null));
        ActionRun run = sequence(plan).submit(action("t1", "parse", "21", meta(null, null, null, List.of(dbl), null, null)),
                Set.of());
        assertEquals(21, run.completion().get(10, TimeUnit.SECONDS));
        ActionRun second = awaitChild(run);
        assertEquals(42, second.completion().get(10, TimeUnit.SECONDS));
        ActionRun third = awaitChild(second);
        assertEquals("result=42", third.completion().get(10, TimeUnit.SECONDS));
        assertEquals("t1:double:describe", third.action().id());
    }

    /** Who the code of a run sees: set only inside a {@link RunContext}. */
    private static final ThreadLocal<String> WHO = new ThreadLocal<>();

    /** A context that makes {@code who} the caller for its body and counts how often it was entered. */
    private static RunContext as(String who, AtomicInteger entered) {
        return body -> {
            entered.incrementAndGet();
            String before = WHO.get();
            WHO.set(who);
            try {
                return body.call();
            } finally {
                WHO.set(before);
            }
        };
    }

    @Test
    void everyHookFunctionRetryDelayAndChainedActionRunsInsideTheSubmittersContext() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Plan plan = Plan.builder()
                .add("flaky", c -> {
                    seen.add("flaky:" + WHO.get());
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("attempt " + calls.get());
                    }
                    return 1;
                })
                .add("async", c -> CompletableFuture.supplyAsync(() -> {
                    seen.add("async-body:" + WHO.get()); // another thread: the function's own business
                    return 2;
                }))
                .add("last", c -> {
                    seen.add("last:" + WHO.get());
                    return 3;
                })
                .build();
        Map<String, ActionHook> hooks = Map.of(
                "before", (a, r) -> seen.add("before-" + a.name() + ":" + WHO.get()),
                "after", (a, r) -> seen.add("after-" + a.name() + ":" + WHO.get()));
        Sequence seq = new Sequence(scheduler, plan, hooks, () -> 0);
        Action last = action("l", "last", null, meta(Duration.ofMillis(50), List.of("before"), null, null, null, null));
        Action async = action("a", "async", null, meta(null, null, List.of("after"), List.of(last), null, null));
        Action flaky = action("f", "flaky", null, meta(Duration.ofMillis(20), List.of("before"), List.of("after"),
                List.of(async), new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 1.0, Duration.ZERO), null));
        AtomicInteger entered = new AtomicInteger();
        ActionRun run = seq.submit(flaky, role -> true, as("alice", entered));
        assertEquals(1, run.completion().get(10, TimeUnit.SECONDS));
        ActionRun second = awaitChild(run);
        assertEquals(2, second.completion().get(10, TimeUnit.SECONDS));
        assertEquals(3, awaitChild(second).completion().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("before-flaky:alice", "flaky:alice", "before-flaky:alice", "flaky:alice",
                "before-flaky:alice", "flaky:alice", "after-flaky:alice", "async-body:null", "after-async:alice",
                "before-last:alice", "last:alice"), seen);
        // flaky: three attempts (before-hook + function) and its after-hook; async: function, after-hook; last
        assertEquals(3 + 1 + 2 + 1, entered.get(), "each piece entered the context, nothing ran outside it");
        assertNull(WHO.get(), "the submitting thread's own context is untouched");
        assertEquals("null", scheduler.submit(() -> String.valueOf(WHO.get())).get(10, TimeUnit.SECONDS),
                "the worker keeps nothing of the run's context");
    }

    @Test
    void aContextThatCannotBeEnteredFailsTheRunLikeItsFunctionWould() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Plan plan = Plan.builder().add("never", c -> ran.incrementAndGet()).build();
        RunContext gone = body -> {
            throw new IllegalStateException("the application is stopped");
        };
        ActionRun run = new Sequence(scheduler, plan, Map.of(), () -> 0).submit(action("g", "never", null, null), r -> true, gone);
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS));
        assertEquals("the application is stopped", e.getCause().getCause().getMessage());
        assertEquals(ActionRun.State.FAILED, run.state());
        assertEquals(0, ran.get());
        assertThrows(NullPointerException.class, () -> new Sequence(scheduler, plan, Map.of(), () -> 0)
                .submit(action("n", "never", null, null), r -> true, null));
    }

    @Test
    void chainedActionsOfOneNameGetIdsOfTheirOwn() throws Exception {
        List<Object> ran = new CopyOnWriteArrayList<>();
        Plan plan = Plan.builder().add("a", c -> 1).add("n", c -> ran.add(c)).add("m", c -> 0).build();
        Action n = action("x", "n", null, null);
        ActionRun run = sequence(plan).submit(action("p", "a", null, meta(null, null, null,
                List.of(n, action("y", "m", null, null), n, n), null, null)), Set.of());
        run.completion().get(10, TimeUnit.SECONDS);
        List<String> ids = run.next().stream().map(r -> r.action().id()).toList();
        assertEquals(List.of("p:n", "p:m", "p:n@2", "p:n@3"), ids);
        for (ActionRun child : run.next()) {
            child.completion().get(10, TimeUnit.SECONDS);
        }
        assertEquals(3, ran.size(), "each ran");
    }

    /** The next action is started before its parent's completion, so it is there once the parent's result is. */
    private static ActionRun awaitChild(ActionRun run) {
        assertEquals(1, run.next().size(), "the next action was not started");
        return run.next().get(0);
    }

    @Test
    void aDelayedActionHoldsNoWorker() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Plan plan = Plan.builder().add("later", c -> ran.incrementAndGet()).build();
        // due in an hour: it cannot start during the test, whatever the machine's load
        ActionRun run = sequence(plan).submit(action("d", "later", null,
                meta(Duration.ofHours(1), null, null, null, null, null)), Set.of());
        assertEquals(ActionRun.State.DELAYED, run.state());
        // the only worker is free meanwhile
        assertEquals("free", scheduler.submit(() -> "free").get(10, TimeUnit.SECONDS));
        assertEquals(ActionRun.State.DELAYED, run.state());
        assertTrue(run.cancel());
        assertEquals(0, ran.get());
    }

    @Test
    void aDelayedActionRunsNoEarlierThanItsDelay() throws Exception {
        Plan plan = Plan.builder().add("later", c -> System.nanoTime()).build();
        long submitted = System.nanoTime();
        ActionRun run = sequence(plan).submit(action("d", "later", null,
                meta(Duration.ofMillis(300), null, null, null, null, null)), Set.of());
        long ranAt = (Long) run.completion().get(10, TimeUnit.SECONDS);
        assertTrue(ranAt - submitted >= TimeUnit.MILLISECONDS.toNanos(300), "ran before its delay");
    }

    @Test
    void cancellingARunningActionInterruptsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Plan plan = Plan.builder().add("slow", c -> {
            started.countDown();
            try {
                dev.echo.testing.Blocking.untilInterrupted();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "late";
        }).build();
        ActionRun run = sequence(plan).submit(action("s", "slow", null, null), Set.of());
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(run.cancel());
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the running action was not interrupted");
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(1, TimeUnit.SECONDS));
        assertEquals(ActionException.Kind.CANCELLATION, ((ActionException) e.getCause()).kind());
        assertEquals(ActionRun.State.CANCELLED, run.state());
        assertFalse(run.cancel(), "a second cancel has nothing to do");
    }

    @Test
    void anAsyncFunctionFreesTheWorkerWhileItsStageIsPending() throws Exception {
        CompletableFuture<Object> remote = new CompletableFuture<>();
        Plan plan = Plan.builder().add("remote", c -> remote).build();
        ActionRun run = sequence(plan).submit(action("a", "remote", null, null), Set.of());
        assertEquals("free", scheduler.submit(() -> "free").get(10, TimeUnit.SECONDS));
        remote.complete("answer");
        assertEquals("answer", run.completion().get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAttemptThatExceedsItsTimeoutIsInterruptedAndRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch interrupted = new CountDownLatch(1);
        Plan plan = Plan.builder().add("sometimes-slow", c -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    dev.echo.testing.Blocking.untilInterrupted();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            return "fast enough";
        }).build();
        RetryPolicy retry = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, Duration.ZERO);
        // The timeout is a real duration here: the first attempt must outlive it, the second must not.
        // 2 s leaves a descheduled worker plenty of room to return at once from the second attempt.
        Action a = action("t", "sometimes-slow", null, new Action.Metadata(null, null, null, null, retry,
                Duration.ofSeconds(2), null, null));
        ActionRun run = sequence(plan).submit(a, Set.of());
        assertEquals("fast enough", run.completion().get(10, TimeUnit.SECONDS));
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the timed-out attempt was not interrupted");
        assertEquals(2, run.attempts());
    }

    @Test
    void aTimeoutWithoutRetriesFailsWithTheTimeoutAsCause() {
        Plan plan = Plan.builder().add("stuck", c -> new CompletableFuture<>()).build();
        Action a = action("t", "stuck", null, new Action.Metadata(null, null, null, null, null, Duration.ofMillis(100), null, null));
        ActionRun run = sequence(plan).submit(a, Set.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS));
        assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause().getCause());
        assertEquals(ActionException.Kind.TIMEOUT, ((ActionException) e.getCause()).kind(), "a timed-out run says so by kind");
        assertEquals(Map.of(1, Duration.ofMillis(100)), run.attemptTimeouts());
    }

    @Test
    void noCodeOfTheCallersRunsOnTheTimerThreadWhenAnAttemptTimesOut() throws Exception {
        // a synchronous body that blocks (the worker is held) and an asynchronous one that never completes
        Plan plan = Plan.builder()
                .add("blocks", c -> {
                    dev.echo.testing.Blocking.untilInterrupted();
                    return "never";
                })
                .add("hangs", c -> new CompletableFuture<>()).build();
        for (String name : List.of("blocks", "hangs")) {
            Action a = action("timer-" + name, name, null, new Action.Metadata(null, null, null, null, null,
                    Duration.ofMillis(100), null, null));
            ActionRun run = sequence(plan).submit(a, Set.of());
            java.util.concurrent.atomic.AtomicReference<String> where = new java.util.concurrent.atomic.AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            run.completion().whenComplete((v, e) -> { // the caller's code, told of the run's end
                where.set(Thread.currentThread().getName());
                ran.countDown();
            });
            // no thread waits on the run's future meanwhile: a waiter may run pending dependents itself
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertNotEquals("seq-timer", where.get(), name + ": the run's dependents ran on the timer thread");
            ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS));
            assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause().getCause(), name);
        }
    }

    @Test
    void theSchedulersTimerIsNotPublicApi() {
        assertThrows(NoSuchMethodException.class, () -> Scheduler.class.getMethod("onTimer", Runnable.class, Duration.class),
                "a caller's action on the timer thread delayed every delayed task of the scheduler");
    }

    @Test
    void statsCountRunsFailuresAndRetriesPerActionName() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Plan plan = Plan.builder()
                .add("twice-fails", c -> {
                    if (calls.incrementAndGet() <= 2) {
                        throw new IllegalStateException("no");
                    }
                    return "yes";
                })
                .add("always-fails", c -> {
                    throw new IllegalStateException("never");
                }).build();
        ActionStats stats = new ActionStats();
        Sequence seq = sequence(plan).observer(stats);
        RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, Duration.ZERO);
        seq.submit(action("a", "twice-fails", null, meta(null, null, null, null, retry, null)), Set.of()).completion().get(10, TimeUnit.SECONDS);
        CompletableFuture<Object> failing = seq.submit(action("b", "always-fails", null, null), Set.of()).completion();
        assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
        ActionStats.Figures ok = stats.snapshot().get("twice-fails");
        assertEquals(1, ok.count());
        assertEquals(0, ok.failures());
        assertEquals(2, ok.retries());
        ActionStats.Figures bad = stats.snapshot().get("always-fails");
        assertEquals(1, bad.count());
        assertEquals(1, bad.failures());
    }

    @Test
    void aRunningAttemptReportsRunningAndAFinalStateComesWithItsResult() throws Exception {
        Blocker gate = new Blocker();
        Plan plan = Plan.builder().add("gated", c -> {
            gate.run();
            return "done";
        }).build();
        java.util.concurrent.atomic.AtomicReference<ActionRun> self = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<String> seenWhileFinishing = new java.util.concurrent.atomic.AtomicReference<>();
        Sequence seq = sequence(plan).observer(new ActionObserver() {
            @Override
            public void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
                ActionRun run = self.get(); // between the decided state and the completion
                seenWhileFinishing.set(run.state() + "/" + run.completion().isDone());
            }
        });
        ActionRun run = seq.submit(action("g", "gated", null, null), Set.of());
        self.set(run);
        gate.awaitStarted();
        assertEquals(ActionRun.State.RUNNING, run.state(), "a started attempt must not read as queued");
        gate.release();
        assertEquals("done", run.completion().get(10, TimeUnit.SECONDS));
        assertEquals("RUNNING/false", seenWhileFinishing.get(), "SUCCEEDED was visible before the result");
        assertEquals(ActionRun.State.SUCCEEDED, run.state());
    }

    @Test
    void aRedeliveredRunContinuesTheAttemptCountAndTheRetryBudgetOfTheEarlierDeliveries() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Plan plan = Plan.builder().add("flaky", c -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always");
        }).build();
        List<Integer> started = new CopyOnWriteArrayList<>();
        Sequence seq = sequence(plan).observer(new ActionObserver() {
            @Override
            public void started(Action action, int attempt) {
                started.add(attempt);
            }
        });
        RetryPolicy three = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO);
        Action a = action("r", "flaky", null, meta(null, null, null, null, three, null));
        // two attempts were started by a server that died: one attempt of the budget of three is left
        ActionRun run = seq.submit(a, role -> true, RunContext.NONE, 2);
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS));
        assertInstanceOf(ActionException.class, e.getCause());
        assertEquals(3, run.attempts(), "the count continues from the earlier deliveries'");
        assertEquals(1, calls.get(), "a redelivery is not a fresh set of retries");
        assertEquals(List.of(3), started, "the observer is told of each attempt as it starts, with its number");
        assertThrows(IllegalArgumentException.class, () -> seq.submit(a, role -> true, RunContext.NONE, -1));
    }

    @Test
    void theFirstAttemptOfARedeliveryRunsEvenWhenTheBudgetWasSpent() throws Exception {
        Plan plan = Plan.builder().add("ok", c -> "done").build();
        Action a = action("s", "ok", null, meta(null, null, null, null, null, null));
        ActionRun run = sequence(plan).submit(a, role -> true, RunContext.NONE, 5);
        assertEquals("done", run.completion().get(10, TimeUnit.SECONDS));
        assertEquals(6, run.attempts());
    }

    // ---------------------------------------------------------------- a refused start (issue 29)

    /** One worker, room for two tasks; {@link #fill} takes every place left with held tasks. */
    private final Scheduler small = SchedulerBuilder.create().workerCount(1).maxWorkers(1).queueCapacity(2).name("small").build();
    private final CountDownLatch releaseHeld = new CountDownLatch(1);

    private void fill() {
        for (int i = 0; i < 3; i++) {
            try {
                small.submit(() -> {
                    releaseHeld.await();
                    return null;
                }, Priority.NORMAL);
            } catch (java.util.concurrent.RejectedExecutionException full) {
                return; // full: what the next start will find
            }
        }
        fail("a scheduler of capacity 2 took 3 held tasks");
    }

    @AfterEach
    void stopSmall() {
        releaseHeld.countDown();
        small.stop(Duration.ofSeconds(5));
    }

    private static ActionException refusal(ActionRun run) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.completion().get(10, TimeUnit.SECONDS),
                "the run ends instead of waiting for ever");
        return assertInstanceOf(ActionException.class, e.getCause());
    }

    @Test
    void aRetryTheSchedulerRefusesEndsTheRunFailedRefusedAndIsCounted() throws Exception {
        List<String> refused = new CopyOnWriteArrayList<>();
        // the first attempt runs on the only worker, fills the queue behind itself, and fails
        Plan plan = Plan.builder().add("flaky", c -> {
            fill();
            throw new IllegalStateException("first attempt");
        }).build();
        Sequence seq = new Sequence(small, plan, Map.of(), () -> 0).observer(new ActionObserver() {
            @Override
            public void refused(Action action, String why) {
                refused.add(why);
            }
        });
        RetryPolicy retry = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO);
        ActionRun run = seq.submit(action("r", "flaky", null, meta(null, null, null, null, retry, null)), Set.of());
        ActionException e = refusal(run);
        assertEquals(ActionException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage().contains("refused the retry of action 'flaky' (r)"), e.getMessage());
        assertEquals(ActionRun.State.FAILED, run.state());
        assertEquals(1, run.attempts(), "the refused retry never ran");
        assertEquals(1, refused.size(), "counted once: " + refused);
    }

    @Test
    void aDelayedRetryTheSchedulerRefusesEndsTheRunFailedRefused() throws Exception {
        // a delayed task takes its place in the scheduler when it is scheduled: the wait itself is refused
        Plan plan = Plan.builder().add("flaky", c -> {
            fill();
            throw new IllegalStateException("first attempt");
        }).build();
        Sequence seq = new Sequence(small, plan, Map.of(), () -> 0);
        RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(200), 1.0, Duration.ZERO);
        ActionRun run = seq.submit(action("d", "flaky", null, meta(null, null, null, null, retry, null)), Set.of());
        ActionException e = refusal(run);
        assertEquals(ActionException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage().contains("refused the wait of 200 ms of action 'flaky' (d)"), e.getMessage());
        assertEquals(1, run.attempts());
    }

    @Test
    void aChainedStartTheSchedulerRefusesEndsThatRunFailedRefused() throws Exception {
        List<ActionRun> started = new CopyOnWriteArrayList<>();
        Plan plan = Plan.builder().add("first", c -> {
            fill(); // the chained action will find the queue full
            return "x";
        }).add("second", c -> "never").build();
        Sequence seq = new Sequence(small, plan, Map.of(), () -> 0).onStart(started::add);
        Action next = action("n", "second", null, Action.Metadata.NONE);
        ActionRun run = seq.submit(action("c", "first", null, meta(null, null, null, List.of(next), null, null)), Set.of());
        assertEquals("x", run.completion().get(10, TimeUnit.SECONDS));
        ActionRun chained = run.next().get(0);
        assertEquals(ActionException.Kind.REFUSED, refusal(chained).kind());
        assertEquals(List.of("c", "c:second"), started.stream().map(r -> r.action().id()).toList());
    }
}
