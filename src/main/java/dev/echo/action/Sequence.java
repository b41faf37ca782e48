package dev.echo.action;

import dev.echo.scheduler.Scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs actions on the Echo scheduler at their priority (the seed's Sequence): checks the
 * caller's role (license) and the plan (routing) before anything is queued, waits the delay
 * without holding a worker, runs the before-hooks, the function (a returned
 * {@code CompletionStage} frees the worker while pending), the after-hooks, then starts the next
 * actions with the result; a failure is retried with the action's backoff (the wait holds no
 * worker either), and the final result or typed error completes the {@link ActionRun}.
 *
 * <p>Every hook and function of a run executes inside the {@link RunContext} given at submission
 * (chained actions inherit their parent's): a retry, a delayed attempt or a chained action on
 * another worker, much later, still runs as its submitter.
 */
public final class Sequence {

    private static final Logger LOG = Logger.getLogger(Sequence.class.getName());

    private final Scheduler scheduler;
    private final Plan plan;
    private final Map<String, ActionHook> hooks;
    private final LongSupplier random;
    /** Functions whose attempts may start only so fast on this server (max-starts); replaced whole, never changed. */
    private volatile Map<String, dev.echo.action.limit.StartLimit> startLimits = Map.of();
    /** Functions whose attempts have a server-declared timeout (fixed or adaptive); replaced whole, never changed. */
    private volatile Map<String, dev.echo.action.limit.AttemptTimeout> timeouts = Map.of();
    /** Told of every run this sequence starts, chained ones included (e.g. to record them). */
    private volatile java.util.function.Consumer<ActionRun> onStart = run -> { };

    public Sequence(Scheduler scheduler, Plan plan, Map<String, ActionHook> hooks) {
        this(scheduler, plan, hooks, () -> ThreadLocalRandom.current().nextLong());
    }

    /** @param random the jitter source (injectable for tests) */
    public Sequence(Scheduler scheduler, Plan plan, Map<String, ActionHook> hooks, LongSupplier random) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.hooks = Map.copyOf(hooks);
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Lets attempts of {@code function} start at most {@code count} per {@code per} on this
     * sequence ({@code count} at once, then one per {@code per / count}): attempts beyond it wait,
     * most urgent first and in arrival order within a priority, holding no worker; none is dropped.
     * Call before submitting; a second call for a function replaces its limit.
     */
    public void limitStarts(String function, long count, Duration per) {
        dev.echo.action.limit.StartLimit limit = new dev.echo.action.limit.StartLimit(count, per, System::nanoTime,
                (delay, release) -> scheduler.schedule(() -> {
                    release.run();
                    return null;
                }, delay, dev.echo.task.Priority.HIGH));
        Map<String, dev.echo.action.limit.StartLimit> next = new java.util.HashMap<>(startLimits);
        next.put(Objects.requireNonNull(function, "function"), limit);
        startLimits = Map.copyOf(next);
    }

    /**
     * Gives every attempt of {@code function} the server's timeout {@code timeout} (fixed or
     * adaptive); an action's own {@code metadata.timeout} can then only lower it, never raise it.
     * An attempt over its timeout is interrupted and fails with a {@link TimeoutException}; the
     * action's retry policy applies, and a run whose last attempt timed out ends FAILED with
     * {@link ActionException.Kind#TIMEOUT}. Call before submitting.
     */
    public void timeAttempts(String function, dev.echo.action.limit.AttemptTimeout timeout) {
        Map<String, dev.echo.action.limit.AttemptTimeout> next = new java.util.HashMap<>(timeouts);
        next.put(Objects.requireNonNull(function, "function"), Objects.requireNonNull(timeout, "timeout"));
        timeouts = Map.copyOf(next);
    }

    /** The server's timeout of {@code function}'s attempts, if it declared one. */
    public java.util.Optional<dev.echo.action.limit.AttemptTimeout> attemptTimeout(String function) {
        return java.util.Optional.ofNullable(timeouts.get(function));
    }

    /** How many attempts of {@code function} wait for their turn under its start limit (0 without one). */
    public int waitingStarts(String function) {
        dev.echo.action.limit.StartLimit limit = startLimits.get(function);
        return limit == null ? 0 : limit.waitingCount();
    }

    /**
     * Starts {@code action} for a caller holding {@code callerRoles}. Nothing is queued if the
     * caller lacks the required role ({@link ActionException.Kind#LICENSE}), or if the action, a
     * hook or a chained action is unknown ({@link ActionException.Kind#ROUTING}).
     */
    public ActionRun submit(Action action, Set<String> callerRoles) {
        return submit(action, callerRoles::contains);
    }

    /**
     * Like {@link #submit(Action, Set)}, asking {@code callerHasRole} (e.g. the container's
     * security context). Every role of the chain is checked now, on the caller's thread.
     */
    public ActionRun submit(Action action, java.util.function.Predicate<String> callerHasRole) {
        return submit(action, callerHasRole, RunContext.NONE);
    }

    /**
     * Like {@link #submit(Action, java.util.function.Predicate)}; every hook and function of the
     * run, of its retries and of its chained actions executes inside {@code context}.
     */
    public ActionRun submit(Action action, java.util.function.Predicate<String> callerHasRole, RunContext context) {
        return submit(action, callerHasRole, context, 0);
    }

    /**
     * Like {@link #submit(Action, java.util.function.Predicate, RunContext)} for an action that was
     * already attempted {@code attemptsBefore} times (a delivery that a dead server never settled):
     * the run's attempt count continues from there, and so does its retry budget — a redelivery is
     * not a fresh set of retries. The first attempt of this run always starts.
     */
    public ActionRun submit(Action action, java.util.function.Predicate<String> callerHasRole, RunContext context,
                            int attemptsBefore) {
        Objects.requireNonNull(context, "context");
        validate(action, callerHasRole);
        return start(action, context, attemptsBefore);
    }

    /**
     * A run of {@code action} whose function is not invoked: it is SUCCEEDED at once with
     * {@code cachedResult} (a result the function returned before for the same caller and content)
     * and says {@link ActionRun#cached()}. Its before- and after-hooks do not run (they surround an
     * invocation, and there is none); its chained actions start with the cached result, inside
     * {@code context}, as after an invocation. The caller has validated the action (roles,
     * routing) as for {@link #submit}; listeners and observers are told of it as of any run.
     */
    public ActionRun submitCached(Action action, RunContext context, Object cachedResult) {
        Objects.requireNonNull(context, "context");
        ActionRun run = newRun(action, ActionRun.State.QUEUED, 0, true);
        run.succeed(cachedResult, () -> startNext(run, context, cachedResult));
        return run;
    }

    private volatile ActionObserver observer = new ActionObserver() { };

    /** Registers the observer told of retries and final states (metrics). */
    public Sequence observer(ActionObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /** Registers the listener told of every run started, chained runs included. */
    public Sequence onStart(java.util.function.Consumer<ActionRun> listener) {
        this.onStart = Objects.requireNonNull(listener, "listener");
        return this;
    }

    private ActionRun start(Action action, RunContext context, int attemptsBefore) {
        Duration delay = action.metadata().delay();
        ActionRun.State first = delay.isZero() ? ActionRun.State.QUEUED : ActionRun.State.DELAYED;
        ActionRun run = newRun(action, first, attemptsBefore, false);
        schedule(run, context, delay, first);
        return run;
    }

    /** A run the listeners are told of, whose end the observer hears with its elapsed time. */
    private ActionRun newRun(Action action, ActionRun.State first, int attemptsBefore, boolean cached) {
        ActionRun run = new ActionRun(action, first, attemptsBefore, cached);
        onStart.accept(run);
        long started = System.nanoTime();
        run.onFinish(() -> observer.finished(action, run.decidedState(), run.attempts(),
                Duration.ofNanos(System.nanoTime() - started)));
        return run;
    }

    /**
     * Checks, without queueing anything, that the caller holds every role the action and its
     * chain require (LICENSE) and that every function and hook named exists (ROUTING).
     */
    public void validate(Action action, java.util.function.Predicate<String> callerHasRole) {
        String role = action.metadata().requiredRole();
        if (role != null && !callerHasRole.test(role)) {
            throw new ActionException(ActionException.Kind.LICENSE,
                    "action '" + action.name() + "' requires role '" + role + "'");
        }
        plan.require(action.name());
        for (String h : action.metadata().before()) {
            requireHook(h);
        }
        for (String h : action.metadata().after()) {
            requireHook(h);
        }
        for (Action next : action.metadata().next()) {
            validate(next, callerHasRole);
        }
    }

    private void requireHook(String name) {
        if (!hooks.containsKey(name)) {
            // the message reaches HTTP callers: it names what was asked for, never what exists
            throw new ActionException(ActionException.Kind.ROUTING, "no hook named '" + name + "'");
        }
    }

    private void schedule(ActionRun run, RunContext context, Duration delay, ActionRun.State waitingState) {
        Action action = run.action();
        // The state is set before the task exists: an attempt that starts at once must not have
        // its RUNNING overwritten by a late "QUEUED".
        run.waitingIn(waitingState);
        long generation = run.nextGeneration();
        if (delay.isZero()) {
            startAttemptOrRefuse(run, context, generation, waitingState == ActionRun.State.RETRY_WAIT ? "retry" : "attempt");
            return;
        }
        // The wait holds no worker (the scheduler's timer); when due, the attempt is queued at
        // the action's priority and becomes the task a cancel interrupts.
        java.util.concurrent.Future<?> wait;
        try {
            wait = scheduler.schedule(() -> {
                if (!run.isFinished()) {
                    run.waitingIn(ActionRun.State.QUEUED);
                    startAttemptOrRefuse(run, context, run.nextGeneration(), "attempt after its wait");
                }
                return null;
            }, delay, action.priority());
        } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException e) {
            refuse(run, "wait of " + delay.toMillis() + " ms", e);
            return;
        }
        run.track(generation, wait);
    }

    /**
     * Queues an attempt; if the scheduler refuses it (full queue, stopped) the run ends FAILED
     * with {@link ActionException.Kind#REFUSED} — before, it stayed QUEUED or RETRY_WAIT for ever,
     * and over JMS its consumer waited for ever with the message.
     */
    private void startAttemptOrRefuse(ActionRun run, RunContext context, long generation, String what) {
        dev.echo.action.limit.StartLimit limit = startLimits.get(run.action().name());
        if (limit != null) {
            // waits its turn under max-starts without a task (no worker held), most urgent first
            limit.offer(run::isFinished, run.completion(), run.action().priority().ordinal(),
                    () -> startNow(run, context, generation, what), e -> refuse(run, what, e));
            return;
        }
        startNow(run, context, generation, what);
    }

    private void startNow(ActionRun run, RunContext context, long generation, String what) {
        java.util.concurrent.Future<?> task;
        try {
            task = startAttempt(run, context);
        } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException e) {
            refuse(run, what, e);
            return;
        }
        run.track(generation, task);
    }

    private void refuse(ActionRun run, String what, RuntimeException why) {
        Action action = run.action();
        String message = "the scheduler refused the " + what + " of action '" + action.name() + "' (" + action.id() + "): "
                + why.getMessage();
        observer.refused(action, message);
        LOG.log(Level.WARNING, "Echo: " + LogText.escape(message) + "; the run ends FAILED (REFUSED)");
        run.fail(new ActionException(ActionException.Kind.REFUSED, message, why));
    }

    /** Starts the run's next actions with its result (once it has won SUCCEEDED, before its completion). */
    private void startNext(ActionRun run, RunContext context, Object value) {
        Action action = run.action();
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (Action next : action.metadata().next()) {
            Action fed = new Action(chainedId(action.id(), next.name(), seen.merge(next.name(), 1, Integer::sum)),
                    next.name(), value, next.priority(), next.metadata());
            run.chained(start(fed, context, 0)); // its roles were checked with the first action; it runs as the first
        }
    }

    /**
     * A chained run's id: the parent's id, ':' and the next action's name — one URL path segment —
     * and, for the second and later action of that name in one {@code next} list, '@' and its
     * ordinal, so that no two runs of one chain share an id ('@' is never part of a name).
     */
    static String chainedId(String parentId, String name, int ordinal) {
        return parentId + ":" + name + (ordinal == 1 ? "" : "@" + ordinal);
    }

    private static TimeoutException timedOut(Action action, int attempt, Duration timeout, Throwable how) {
        TimeoutException e = new TimeoutException("attempt " + attempt + " of action " + action.id()
                + " exceeded its timeout of " + timeout);
        if (how != null) {
            e.initCause(how);
        }
        return e;
    }

    /**
     * Whether the last attempt met an open circuit breaker. The EE layer says so with an
     * {@code ActionException} of that kind, which a security layer between may have wrapped
     * (Liberty's {@code WSSubject.doAs} wraps what a durable run's function throws in a
     * {@code RuntimeException}): the first few causes are looked at.
     */
    private static boolean circuitOpen(Throwable t) {
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            if (t instanceof ActionException a && a.kind() == ActionException.Kind.CIRCUIT_OPEN) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Queues one attempt at the action's priority; the attempt knows its own task (for a timeout's interrupt). */
    private java.util.concurrent.Future<?> startAttempt(ActionRun run, RunContext context) {
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<?>> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.Future<?> task = scheduler.submitAsync(() -> attempt(run, context, self), run.action().priority());
        self.set(task);
        return task;
    }

    /**
     * One attempt: hooks, function, hooks. With a timeout, a delayed canceller (no worker held)
     * fails the attempt with a {@link TimeoutException} when the time is up and interrupts it
     * through its task's cancel protocol; a result that arrives later is ignored.
     */
    private CompletionStage<Object> attempt(ActionRun run, RunContext context,
                                            java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<?>> self) {
        if (run.isFinished()) {
            return CompletableFuture.completedFuture(null);
        }
        Action action = run.action();
        int attempt = run.startAttempt();
        observer.started(action, attempt);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        dev.echo.action.limit.AttemptTimeout serverTimeout = timeouts.get(action.name());
        Duration timeout = serverTimeout == null ? action.metadata().timeout() : serverTimeout.forAttempt(action.metadata().timeout());
        if (!timeout.isZero()) {
            run.attemptTimeout(attempt, timeout);
        }
        long startedAt = System.nanoTime();
        java.util.concurrent.Future<?> interrupter = null;
        java.util.concurrent.Future<?> expirer = null;
        if (!timeout.isZero()) {
            // The interrupt happens on the timer thread: it must fire even when every worker is busy
            // (this attempt may hold the last one). Only the interrupt: the TimeoutException and the
            // cancel, which run the run's dependents (the caller's code), happen on a worker at HIGH.
            interrupter = scheduler.interruptAfter(self, timeout);
            try {
                expirer = scheduler.schedule(() -> {
                    if (outcome.completeExceptionally(timedOut(action, attempt, timeout, null))) {
                        java.util.concurrent.Future<?> task = self.get();
                        if (task != null) {
                            task.cancel(true);
                        }
                    }
                }, timeout, dev.echo.task.Priority.HIGH);
            } catch (java.util.concurrent.RejectedExecutionException full) {
                // the interrupt still ends a body that heeds it; its failure counts as the timeout (below)
            }
        }
        java.util.concurrent.Future<?> interrupting = interrupter;
        java.util.concurrent.Future<?> expiring = expirer;
        CurrentAttempt current = new CurrentAttempt(action, attempt);
        try {
            Object returned = context.call(() -> current.call(() -> {
                for (String h : action.metadata().before()) {
                    hooks.get(h).run(action, null);
                }
                return plan.require(action.name()).function().apply(action.content());
            }));
            if (returned instanceof CompletionStage<?> stage) {
                stage.whenComplete((v, e) -> {
                    if (e == null) {
                        outcome.complete(v);
                    } else {
                        outcome.completeExceptionally(e);
                    }
                });
            } else {
                outcome.complete(returned);
            }
        } catch (Throwable e) {
            // Whatever a function or hook throws — a StackOverflowError too — ends this attempt:
            // a run must always reach a final state.
            outcome.completeExceptionally(e);
        }
        return outcome.handle((result, failure) -> {
            if (interrupting != null) {
                interrupting.cancel(false);
            }
            if (expiring != null) {
                expiring.cancel(false);
            }
            if (failure != null && !timeout.isZero() && !(unwrap(failure) instanceof TimeoutException)
                    && System.nanoTime() - startedAt >= timeout.toNanos()) {
                failure = timedOut(action, attempt, timeout, failure); // interrupted by its timeout, most likely
            }
            if (failure == null && serverTimeout != null) {
                serverTimeout.succeeded(System.nanoTime() - startedAt); // an adaptive timeout learns from successes only
            }
            if (failure == null && !action.metadata().after().isEmpty()) {
                try {
                    // maybe on the thread that completed the function's stage: the run's context again
                    context.call(() -> current.call(() -> {
                        for (String h : action.metadata().after()) {
                            hooks.get(h).run(action, result);
                        }
                        return null;
                    }));
                } catch (Throwable e) {
                    failure = e;
                }
            }
            if (failure == null) {
                Object value = result;
                run.succeed(result, () -> startNext(run, context, value));
            } else if (!run.isFinished() && action.metadata().retry().allowsRetryAfter(attempt)) {
                Duration wait = action.metadata().retry().delayAfter(attempt, random);
                observer.retrying(action, attempt, wait);
                LOG.log(Level.FINE, "action " + LogText.escape(action.id()) + " attempt " + attempt + " failed; retrying in " + wait,
                        LogText.safe(failure));
                schedule(run, context, wait, ActionRun.State.RETRY_WAIT);
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // the detail goes to the log under the run's id; callers over HTTP see only that id
                LOG.log(Level.INFO, "action " + LogText.escape(action.id()) + " (" + action.name() + ") failed after " + attempt
                        + " attempt(s)", LogText.safe(cause));
                // a function that did not run because its circuit breaker was open says so by kind, and
                // an attempt that ran out of time too
                ActionException.Kind kind = circuitOpen(cause) ? ActionException.Kind.CIRCUIT_OPEN
                        : cause instanceof TimeoutException ? ActionException.Kind.TIMEOUT : ActionException.Kind.EXECUTION;
                run.fail(new ActionException(kind, "action '" + action.name() + "' ("
                        + action.id() + ") failed after " + attempt + " attempt(s): " + cause, cause));
            }
            return result;
        });
    }
}
