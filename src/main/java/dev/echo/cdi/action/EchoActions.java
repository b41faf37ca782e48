package dev.echo.cdi.action;

import dev.echo.cdi.action.jms.RunBoard;
import dev.echo.cdi.action.jms.RunStatus;
import dev.echo.cdi.action.jms.JmsActions;

import dev.echo.action.Action;
import dev.echo.action.ActionException;
import dev.echo.action.ActionHook;
import dev.echo.action.ActionQueue;
import dev.echo.action.ActionRun;
import dev.echo.action.InMemoryActionQueue;
import dev.echo.action.Plan;
import dev.echo.action.RunContext;
import dev.echo.action.Sequence;
import dev.echo.cdi.EchoAction;
import dev.echo.cdi.EchoHook;
import dev.echo.cdi.config.OptionalApi;
import dev.echo.cdi.executor.ApplicationScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The application's action system: the {@link Plan} built from {@link EchoAction} methods, the
 * hooks from {@link EchoHook} methods, a {@link Sequence} on the application's Echo scheduler, the
 * {@link ActionQueue} submissions pass through (idempotency key, honest rejection when full), and
 * the record of recent runs for {@code GET /actions/{id}}.
 *
 * <p>Invariants: {@code book} keeps at most {@code echo.actions.kept-runs} runs, of at most
 * {@code echo.actions.kept-bytes} estimated bytes, with their owners (see {@link RunBook}). Submissions are handed over one at a time under {@code handOver}: the
 * idempotency check, the offer, the poll and the start happen together, so the queue holds
 * nothing between two submissions and two submissions with one key cannot both start. A delivery
 * is acknowledged when its run has started (hand-over), not when it ends: from then on the run
 * belongs to the {@link Sequence}, which always brings it to a final state, and a redelivery could
 * only start a second copy of a live run.
 *
 * <p>With {@code echo.actions.queue=jms} ({@link DistributedRuns}, docs/actions-messaging.md) an
 * accepted action is sent instead of handed over: ids and owner keys being sent are claimed in
 * {@code sending} (a concurrent map; no lock is held while the provider stores the message), runs
 * of every server are read from {@code board}, and this server's consumers start runs on the same
 * {@link Sequence}; {@link #submit}/{@link #submitAs} refuse (there is no local run to return).
 *
 * <p>A run executes as its submitter: the submitting thread's container context is captured at
 * submission and applied around every hook and function of the run, its retries, its delayed
 * attempt and its chained actions.
 */
@ApplicationScoped
public class EchoActions {

    @Inject
    BeanManager beanManager;

    @Inject
    ApplicationScheduler runtime;

    @Inject
    ActionMethods methods;

    private volatile Sequence sequence;
    /** echo.actions.rest.enabled, read once (a bad value already failed the deployment). */
    private volatile Boolean restEnabled;
    private final dev.echo.action.ActionStats stats = new dev.echo.action.ActionStats();
    /** volatile: a replacement set by a test before the first submission is seen by the submitting thread. */
    private volatile ActionQueue queue = new InMemoryActionQueue(10_000, Duration.ofMinutes(10));
    /** Created with the sequence (it needs the application's config); volatile: published by that one-time build. */
    private volatile RunBook book;
    /** What one REST submission may cost (echo.actions.max-delay, -next, -attempts, -work), read with the sequence. */
    private volatile SubmissionBudget budget;
    /** echo.actions.max-live and -per-caller, read with the sequence (the book applies them in memory mode, send() over JMS). */
    private volatile int maxLive;
    private volatile int maxLivePerCaller;
    /** Guards the hand-over: one submission at a time checks its key, offers, polls and starts. */
    private final Object handOver = new Object();
    /** echo.actions.queue and the JMS settings, read with the sequence. */
    private volatile dev.echo.cdi.config.ActionQueueSettings queueSettings;
    /** The functions' per-caller rate limits (echo.actions.function.<name>.rate-limit); created with the sequence. */
    private volatile RateLimits rateLimits;
    /** Cached results of cache-for functions (echo.actions.cache-bytes); created with the sequence. */
    private volatile dev.echo.action.cache.ResultCache resultCache;
    /** echo.actions.function.<name>.cache-for of the functions that have one; created with the sequence. */
    private volatile Map<String, Duration> cacheFor = Map.of();
    /**
     * Over JMS: the runs this server accepted whose results it will cache, by id, until their final
     * state arrives on the board (bounded: a run whose final state never arrives is forgotten oldest
     * first). Guarded by its own monitor (a synchronized map).
     */
    private final Map<String, dev.echo.action.cache.ResultCache.Key> awaitingResult = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, dev.echo.action.cache.ResultCache.Key> eldest) {
                    return size() > Math.max(1024, maxLive);
                }
            });
    /** Every observer of the application's runs (stats, metrics, the messaging side); created with the sequence. */
    private volatile dev.echo.action.ActionObserver observer;
    /** Every server's runs (echo.actions.queue=jms only); created with the sequence. */
    private volatile RunBoard board;
    /** The messaging side (echo.actions.queue=jms), started when the application starts; else null. */
    private volatile DistributedRuns distributed;

    private Sequence sequence() {
        Sequence s = sequence;
        if (s == null) {
            synchronized (this) {
                if (sequence == null) {
                    sequence = build();
                }
                s = sequence;
            }
        }
        return s;
    }

    private Sequence build() {
        var config = dev.echo.cdi.config.ConfigLookup.forApplication(Thread.currentThread().getContextClassLoader());
        book = new RunBook(dev.echo.cdi.config.EchoConfig.actionsKeptRuns(config),
                dev.echo.cdi.config.EchoConfig.actionsKeptBytes(config), dev.echo.cdi.config.EchoConfig.actionsMaxLive(config),
                dev.echo.cdi.config.EchoConfig.actionsMaxLivePerCaller(config));
        budget = SubmissionBudget.of(config);
        // echo.actions.function.<name>.*: what the server declares per function, read once
        Map<String, dev.echo.cdi.action.function.FunctionSettings> functions =
                dev.echo.cdi.action.function.FunctionSettings.of(methods.actions().keySet(), config);
        rateLimits = RateLimits.of(functions);
        queueSettings = dev.echo.cdi.config.EchoConfig.actionQueue(config);
        board = new RunBoard(dev.echo.cdi.config.EchoConfig.actionsKeptRuns(config),
                dev.echo.cdi.config.EchoConfig.actionsKeptBytes(config));
        maxLive = dev.echo.cdi.config.EchoConfig.actionsMaxLive(config);
        maxLivePerCaller = dev.echo.cdi.config.EchoConfig.actionsMaxLivePerCaller(config);
        Plan.Builder plan = Plan.builder();
        methods.actions().forEach((name, d) -> plan.add(name, d.source(), content -> invoke(d, bindArgument(d.method(), content))));
        Map<String, ActionHook> hooks = new LinkedHashMap<>();
        methods.hooks().forEach((name, d) -> hooks.put(name, (action, result) -> invoke(d, action, result)));
        java.util.List<dev.echo.action.ActionObserver> observers = new java.util.ArrayList<>();
        observers.add(stats);
        OptionalApi.load(OptionalApi.MP_METRICS, () -> MicroProfileActionMetrics.lookup(),
                java.util.Optional.<dev.echo.action.ActionObserver>empty(), "action metrics stay in-process")
                .ifPresent(observers::add);
        dev.echo.action.ActionObserver all = new dev.echo.action.ActionObserver() {
            @Override
            public void started(Action action, int attempt) {
                DistributedRuns d = distributed;
                if (d != null) {
                    d.started(action, attempt);
                }
            }

            @Override
            public void retrying(Action action, int failedAttempt, Duration wait) {
                observers.forEach(o -> o.retrying(action, failedAttempt, wait));
                DistributedRuns d = distributed;
                if (d != null) {
                    d.retrying(action, failedAttempt);
                }
            }

            @Override
            public void refused(Action action, String why) {
                observers.forEach(o -> o.refused(action, why));
            }

            @Override
            public void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
                observers.forEach(o -> o.finished(action, state, attempts, elapsed));
            }

            @Override
            public void cacheLookup(Action action, boolean hit) {
                observers.forEach(o -> o.cacheLookup(action, hit));
            }
        };
        observer = all;
        Sequence seq = new Sequence(runtime.scheduler(), plan.build(), hooks).observer(all)
                .onStart(run -> {
                    book.started(run);
                    DistributedRuns d = distributed;
                    if (d != null) {
                        run.completion().whenComplete((r, e) -> d.ended(run));
                    }
                });
        // max-starts, cache-for and timeout of each function
        Map<String, Duration> cached = new java.util.HashMap<>();
        Map<String, dev.echo.action.limit.AttemptTimeout> timed = new java.util.HashMap<>();
        for (var each : functions.entrySet()) {
            String name = each.getKey();
            dev.echo.cdi.action.function.FunctionSettings f = each.getValue();
            f.maxStarts().ifPresent(limit -> seq.limitStarts(name, limit.count(), limit.per()));
            f.timeout().ifPresent(t -> {
                seq.timeAttempts(name, t);
                timed.put(name, t);
            });
            if (!f.cacheFor().isZero()) {
                cached.put(name, f.cacheFor());
            }
        }
        cacheFor = Map.copyOf(cached);
        // over JMS a result reaches the cache of the server that accepted the run when its final state arrives
        board.onFinal(status -> {
            dev.echo.action.cache.ResultCache.Key k = awaitingResult.remove(status.id());
            if (k != null && !status.cached() && status.carriesWholeResult()) {
                resultCache.put(k, status.result(), RunBook.OVERHEAD_BYTES + 2L * status.result().length(), cacheFor.get(k.function()));
            }
        });
        resultCache = new dev.echo.action.cache.ResultCache(dev.echo.cdi.config.EchoConfig.actionsCacheBytes(config), System::nanoTime);
        if (!timed.isEmpty()) {
            OptionalApi.load(OptionalApi.MP_METRICS, () -> {
                MicroProfileActionMetrics.exportTimeouts(timed);
                return Boolean.TRUE;
            }, Boolean.FALSE, "action timeouts are not exported");
        }
        return seq;
    }

    /**
     * With {@code echo.actions.queue=jms}, starts this server's consumers when the application
     * starts (on an application thread: the JNDI look-ups and the application's context need one).
     * A server without Jakarta Messaging, or without the named resources, fails the deployment
     * with a message naming what is missing: the application asked for durable actions.
     */
    void startQueue(@jakarta.enterprise.event.Observes @jakarta.enterprise.context.Initialized(ApplicationScoped.class) Object started) {
        sequence();
        dev.echo.cdi.config.ActionQueueSettings settings = queueSettings;
        if (!settings.jms()) {
            return;
        }
        if (!OptionalApi.isPresent("jakarta.jms.ConnectionFactory", Thread.currentThread().getContextClassLoader())) {
            throw new IllegalStateException("Echo: " + dev.echo.cdi.config.EchoConfig.ACTIONS_QUEUE
                    + "=jms needs Jakarta Messaging in the server (feature messaging-3.1 with messagingServer-3.0 or"
                    + " messagingClient-3.0, or another provider)");
        }
        // no caller on this thread: the application's own context, for runs of any submitter
        RunContext application = submittersContext();
        // a lambda, so that JmsActions and the jakarta.jms types it names are linked only here, once
        // Jakarta Messaging is known to be present (the OptionalApi rule)
        dev.echo.cdi.config.ActionQueueSettings named = settings.application() != null ? settings
                : settings.forApplication(applicationName());
        java.util.function.Supplier<DistributedRuns> start = () -> JmsActions.start(named, board, book, sequence(),
                application, runtime.threadFactory(), this::refusalOnConsume,
                dev.echo.cdi.action.jms.SubmitterIdentity.detect(Thread.currentThread().getContextClassLoader()));
        distributed = start.get();
        DistributedRuns d = distributed;
        OptionalApi.load(OptionalApi.MP_METRICS, () -> {
            MicroProfileActionMetrics.exportQueue(d);
            MicroProfileActionMetrics.exportRejections(d);
            return Boolean.TRUE;
        }, Boolean.FALSE, "action queue metrics are not exported");
    }

    /**
     * The application's name as its messages carry it: the container's ({@code java:app/AppName},
     * looked up on this application thread), or the deployment fails naming the setting to use.
     */
    private static String applicationName() {
        try {
            Object name = new javax.naming.InitialContext().lookup("java:app/AppName");
            if (name instanceof String s && !s.isBlank()) {
                return s;
            }
        } catch (javax.naming.NamingException e) {
            // no container name: the setting below is the way
        }
        throw new IllegalStateException("Echo: " + dev.echo.cdi.config.EchoConfig.ACTIONS_QUEUE + "=jms needs the"
                + " application's name, and the container gives none: set " + dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_APPLICATION);
    }

    /**
     * What the consuming server asks again of an action taken from the queue: the same policy
     * the accepting server applied. A named or anonymous caller's action needs every function
     * and hook of its chain declared runnable for it ({@code @DenyAll} and undeclared methods
     * never are; an anonymous caller only {@code @PermitAll}); the roles themselves were checked
     * on the accepting server, from the real identity, and a message that carries them is signed.
     * The application's own submissions are bound only by routing, as on acceptance.
     */
    private String refusalOnConsume(Action action, RunBook.Owner owner) {
        if (owner.application()) {
            return null;
        }
        try {
            authorize(action, !owner.equals(RunBook.Owner.ANONYMOUS), role -> true);
            return null;
        } catch (dev.echo.action.ActionException e) {
            return e.getMessage();
        }
    }

    /** Before any bean is destroyed: stop taking messages, let runs in progress end, roll the rest back. */
    void stopQueue(@jakarta.enterprise.event.Observes @jakarta.enterprise.context.BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        DistributedRuns d = distributed;
        if (d != null) {
            d.stop(runtime.stopTimeout());
        }
    }

    /** Whether actions travel over Jakarta Messaging (echo.actions.queue=jms). */
    boolean isDistributed() {
        return distributed != null;
    }

    /** This server's view of every run, on every server (echo.actions.queue=jms). */
    RunBoard board() {
        sequence();
        return board;
    }

    /** The method's parameter from the action's content: plain, JSON-P, or bound with JSON-B. */
    private static Object[] bindArgument(Method method, Object content) {
        Class<?>[] types = method.getParameterTypes();
        if (types.length == 0) {
            return new Object[0];
        }
        if (types.length == 2) {
            // (content, CurrentRun): ActionMethods refused any other second parameter at deployment
            Object[] one = bindArgument(method, content, types[0], method.getGenericParameterTypes()[0]);
            return new Object[]{one[0], CurrentRun.get().orElse(null)};
        }
        return bindArgument(method, content, types[0], method.getGenericParameterTypes()[0]);
    }

    /**
     * One JSON-B instance for every typed argument, made on first use: a {@code Jsonb} is safe for
     * concurrent use, and making one per call (a provider lookup and a new context each time) cost
     * more than the conversion. It lives as long as the application's class loader.
     */
    private static final class Binding {
        static final jakarta.json.bind.Jsonb JSONB = jakarta.json.bind.JsonbBuilder.create();
    }

    private static Object[] bindArgument(Method method, Object content, Class<?> type, java.lang.reflect.Type generic) {
        if (content == null || type.isInstance(content)) {
            return new Object[]{content};
        }
        if (JsonValue.class.isAssignableFrom(type)) {
            return new Object[]{ActionJson.toJson(content)};
        }
        try {
            return new Object[]{Binding.JSONB.fromJson(ActionJson.toJson(content).toString(), generic)};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the content does not fit " + method.getName() + "(" + type.getSimpleName()
                    + "): " + e.getMessage(), e);
        }
    }

    /**
     * One bean reference per discovered method, taken once: a client proxy for normal-scoped
     * beans; for a {@code @Dependent} bean one instance that lives as long as the application
     * (a reference per call would create, and never destroy, an instance per action).
     */
    private final Map<ActionMethods.Discovered, Object> targets = new java.util.concurrent.ConcurrentHashMap<>();

    private Object invoke(ActionMethods.Discovered d, Object... args) throws Exception {
        Object target = targets.computeIfAbsent(d, discovered -> {
            Bean<?> bean = discovered.bean();
            discovered.method().setAccessible(true);
            return beanManager.getReference(bean, bean.getBeanClass(), beanManager.createCreationalContext(bean));
        });
        try {
            return d.method().invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (isCircuitBreakerOpen(cause)) {
                // the bean's Fault Tolerance interceptor refused the call: say which breaker, by kind
                throw new ActionException(ActionException.Kind.CIRCUIT_OPEN, "the circuit breaker of '" + d.name() + "' ("
                        + d.source() + ") is open: the method was not invoked", cause);
            }
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** MicroProfile Fault Tolerance is optional: its exception is recognised by name, not by type. */
    static boolean isCircuitBreakerOpen(Throwable t) {
        for (Class<?> c = t == null ? null : t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Submits an action from the application's own code (roles through {@code callerHasRole}).
     * The application owns the run: {@link #find(String)} finds it, no REST caller does. See
     * {@link #submitAs} for the rules.
     *
     * @throws TooManyLiveRunsException when {@code echo.actions.max-live} runs are live, or their
     *                                  actions' estimated memory would pass {@code echo.actions.kept-bytes}
     * @throws ActionRateLimitedException when the application's own submissions are over the
     *                                  function's {@code echo.actions.function.<name>.rate-limit}
     */
    public ActionRun submit(Action action, Predicate<String> callerHasRole) {
        requireInMemory("submit", "accept");
        sequence().validate(action, callerHasRole);
        RunContext context = submittersContext();
        CurrentRun.Origin origin = new CurrentRun.Origin(null, 1, "memory");
        return limited(action, RunBook.Owner.APPLICATION,
                () -> handOver(action, RunBook.Owner.APPLICATION, body -> context.call(() -> CurrentRun.callAs(origin, body)))).run();
    }

    /**
     * With {@code echo.actions.queue=jms} a run may execute on any server: there is no local
     * {@link ActionRun} to hand back, only its id and state ({@link #accept}, {@link #acceptAs}).
     */
    private void requireInMemory(String method, String instead) {
        if (isDistributed()) {
            throw new IllegalStateException("Echo: with " + dev.echo.cdi.config.EchoConfig.ACTIONS_QUEUE + "=jms an action"
                    + " runs on whichever server takes it; use " + instead + "(...) instead of " + method + "(...)");
        }
    }

    /** What an accepted action is: its id, its state now, and whether it is an earlier one with the same key. */
    public record Accepted(String id, ActionRun.State state, boolean duplicate) {
    }

    /**
     * Accepts an action from the application's own code, with either queue: {@link #submit} in
     * memory; with {@code echo.actions.queue=jms} a persistent message that any server of the
     * application may run. The application owns the run.
     */
    public Accepted accept(Action action, Predicate<String> callerHasRole) {
        if (!isDistributed()) {
            ActionRun run = submit(action, callerHasRole);
            return new Accepted(run.action().id(), run.state(), false);
        }
        sequence().validate(action, callerHasRole);
        return limited(action, RunBook.Owner.APPLICATION, () -> send(action, RunBook.Owner.APPLICATION));
    }

    /**
     * {@link #submitAs} with either queue (what the REST resource calls): the same checks, all
     * made here, on the accepting server, from the caller's real identity, before anything is sent.
     */
    public Accepted acceptAs(Action action, String principalName, Predicate<String> callerHasRole) {
        if (!isDistributed()) {
            Submitted s = submitAs(action, principalName, callerHasRole);
            return new Accepted(s.run().action().id(), s.run().state(), s.duplicate());
        }
        sequence().validate(action, callerHasRole);
        budget.check(action);
        authorize(action, principalName != null && !principalName.isEmpty(), callerHasRole);
        return limited(action, RunBook.Owner.caller(principalName), () -> send(action, RunBook.Owner.caller(principalName)));
    }

    /** Ids and owner keys being sent right now (claimed before the send, released after it is on the board). */
    private final java.util.concurrent.ConcurrentHashMap<Object, Boolean> sending = new java.util.concurrent.ConcurrentHashMap<>();

    private record OwnerKey(RunBook.Owner owner, String key) {
    }

    /** Longest a keyed submission waits for the run-state topic to catch up (it goes on without, and logs). */
    private static final Duration TOPIC_SYNC = Duration.ofSeconds(5);

    /**
     * Sends an action over messaging. The id and the owner's key are claimed first, so that two
     * submissions on this server cannot both send one of them; across servers a key already on
     * this server's board (the topic brings the others' within milliseconds) returns the first
     * run. Two submissions of one key on two servers within that time may both be accepted
     * (docs/actions-messaging.md). No lock is held while the provider stores the message.
     */
    private Accepted send(Action action, RunBook.Owner owner) {
        if (!ActionJson.isToken(action.id())) {
            // consumers refuse any other id (a message with one is not ours): refuse it here, where it is the caller's
            throw new IllegalArgumentException("action id '" + JsonLimits.printable(action.id()) + "' must be 1 to 128"
                    + " letters, digits, '.', '_', '~' or '-', starting with a letter or digit, for " + dev.echo.cdi.config.EchoConfig.ACTIONS_QUEUE + "=jms");
        }
        String key = action.metadata().idempotencyKey();
        // over JMS a chain must travel durably: a submission with next actions is not answered from the cache
        dev.echo.action.cache.ResultCache.Key cacheKey = action.metadata().next().isEmpty() ? cacheKey(action, owner) : null;
        Object keyClaim = key != null && owner.keepsKeys() ? new OwnerKey(owner, key) : null;
        Object idClaim = "id:" + action.id();
        if (keyClaim != null && board.byKey(owner, key).isEmpty()) {
            // a run of this key accepted by another server may still be on its way over the topic
            distributed.syncWithTopic(TOPIC_SYNC);
        }
        while (true) {
            Optional<RunStatus> first = board.byKey(owner, key);
            if (first.isPresent()) {
                return new Accepted(first.get().id(), first.get().state(), true);
            }
            if (keyClaim == null || sending.putIfAbsent(keyClaim, Boolean.TRUE) == null) {
                break;
            }
            // the same key is being sent by another request: its run appears on the board in a moment
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        try {
            if (sending.putIfAbsent(idClaim, Boolean.TRUE) != null) {
                throw new IdInUseException(action.id());
            }
            try {
                if (board.contains(action.id()) || book.contains(action.id())) {
                    throw new IdInUseException(action.id());
                }
                if (cacheKey != null) {
                    Optional<dev.echo.action.cache.ResultCache.Hit> hit = resultCache.get(cacheKey);
                    observer.cacheLookup(action, hit.isPresent());
                    if (hit.isPresent()) {
                        // over JMS the cache holds the result's JSON text, as the board carries it
                        RunStatus cachedRun = distributed.acceptCached(action, owner, (String) hit.get().result());
                        return new Accepted(cachedRun.id(), cachedRun.state(), false);
                    }
                }
                requireRoomOnBoard(owner);
                if (cacheKey != null) {
                    awaitingResult.put(action.id(), cacheKey); // before the send: its final state may come back at once
                }
                RunStatus s;
                try {
                    s = distributed.send(action, owner);
                } catch (RuntimeException | Error e) {
                    awaitingResult.remove(action.id());
                    throw e;
                }
                if (keyClaim != null) {
                    // answer once every server can know the key: a retry sent to another server after
                    // this answer finds the run (sync before the check above, sync after the send here)
                    distributed.syncWithTopic(TOPIC_SYNC);
                }
                return new Accepted(s.id(), s.state(), false);
            } finally {
                sending.remove(idClaim);
            }
        } finally {
            if (keyClaim != null) {
                sending.remove(keyClaim);
            }
        }
    }

    /**
     * Over JMS the live runs are those not final on this server's board (every server's, as far as
     * the topic has told it): a submission beyond echo.actions.max-live, or its owner's beyond
     * max-live-per-caller, is refused. Concurrent submissions on several servers may pass the
     * limits by as many as are in flight at once (the boards learn of each other within the topic's
     * delivery time); the engine's queue depth bounds the rest.
     */
    private void requireRoomOnBoard(RunBook.Owner owner) {
        requireRoom(board, owner, maxLive, maxLivePerCaller);
    }

    static void requireRoom(RunBoard board, RunBook.Owner owner, int maxLive, int maxLivePerCaller) {
        if (board.live() >= maxLive) {
            throw new TooManyLiveRunsException(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE, maxLive);
        }
        if (!owner.application() && board.live(owner) >= maxLivePerCaller) {
            throw new TooManyLiveRunsException(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE_PER_CALLER, maxLivePerCaller);
        }
    }

    /**
     * The calling thread's container context — identity, {@code java:comp}, class loader —
     * captured now by the container's {@code ContextService}, and applied around every hook and
     * function of the run, its retries, its delayed attempt and its chained actions (see
     * {@link RunContext}). Captured before the hand-over: a submission that is refused later
     * leaves nothing behind.
     */
    private RunContext submittersContext() {
        return runtime.contextService().createContextualProxy(RunContext.NONE, RunContext.class);
    }

    /**
     * Submits an action for the caller named {@code principalName} ({@code null}: anonymous).
     * License and routing are checked first: nothing is queued when they fail. The run belongs to
     * that caller: only {@link #find(String, String)} with the same name finds it. An idempotency
     * key is the caller's own: the same caller with a key whose run is still kept gets that run
     * back ({@link Submitted#duplicate()}); another caller with the same key gets its own run. An
     * anonymous caller's key deduplicates nothing (all anonymous callers look alike).
     *
     * @throws dev.echo.action.ActionException LICENSE or ROUTING
     * @throws ActionQueue.QueueFullException  when the queue is full
     * @throws IdInUseException                when a kept run already has the action's id
     * @throws TooManyLiveRunsException        when too many runs are live: in all
     *                                         ({@code echo.actions.max-live}), of this caller
     *                                         ({@code echo.actions.max-live-per-caller}), or by
     *                                         their actions' memory ({@code echo.actions.kept-bytes})
     * @throws ActionRateLimitedException      when the caller is over the function's
     *                                         {@code echo.actions.function.<name>.rate-limit}
     */
    public Submitted submitAs(Action action, String principalName, Predicate<String> callerHasRole) {
        requireInMemory("submitAs", "acceptAs");
        sequence().validate(action, callerHasRole); // routing first: the policy of a name that does not exist is moot
        budget.check(action);
        authorize(action, principalName != null && !principalName.isEmpty(), callerHasRole);
        RunContext context = submittersContext();
        CurrentRun.Origin origin = new CurrentRun.Origin(principalName, 1, "memory");
        RunContext withCaller = body -> context.call(() -> CurrentRun.callAs(origin, body));
        return limited(action, RunBook.Owner.caller(principalName), () -> handOver(action, RunBook.Owner.caller(principalName), withCaller));
    }

    /**
     * Takes a place under the function's rate limit for {@code owner} (the application's own
     * submissions count as one caller), then accepts; a submission refused after that (a live-run
     * limit, a full queue) gives its place back. A duplicate of a kept idempotency key takes a place
     * too: it is a submission, whatever it finds.
     *
     * @throws ActionRateLimitedException over the limit: nothing was accepted
     */
    private <T> T limited(Action action, RunBook.Owner owner, java.util.function.Supplier<T> accept) {
        sequence();
        Runnable giveBack = rateLimits.acquire(action.name(), callerKey(owner));
        try {
            return accept.get();
        } catch (RuntimeException | Error e) {
            giveBack.run();
            throw e;
        }
    }

    /**
     * The caller must satisfy the declared policy ({@link ActionPolicy}) of the function, of every
     * hook and of every chained action, all checked before anything is queued.
     */
    private void authorize(Action action, boolean authenticated, Predicate<String> hasRole) {
        permit(methods.actions().get(action.name()), "action", action.name(), authenticated, hasRole);
        for (String hook : action.metadata().before()) {
            permit(methods.hooks().get(hook), "hook", hook, authenticated, hasRole);
        }
        for (String hook : action.metadata().after()) {
            permit(methods.hooks().get(hook), "hook", hook, authenticated, hasRole);
        }
        for (Action next : action.metadata().next()) {
            authorize(next, authenticated, hasRole);
        }
    }

    private static void permit(ActionMethods.Discovered d, String kind, String name, boolean authenticated,
                               Predicate<String> hasRole) {
        if (d == null || !d.policy().permits(authenticated, hasRole)) {
            // names what was asked for, not the roles that would have sufficed
            throw new dev.echo.action.ActionException(dev.echo.action.ActionException.Kind.LICENSE,
                    "the caller may not run " + kind + " '" + name + "'");
        }
    }

    /** For tests: a queue with its own clock, set before the first submission (a method: tests hold a client proxy). */
    void useQueue(ActionQueue replacement) {
        queue = replacement;
    }

    /** Actions accepted and not yet acknowledged. */
    int unacknowledged() {
        return queue.size();
    }

    /** For tests: how many runs are kept (what a refused submission must not add to). */
    int kept() {
        sequence();
        return book.size();
    }

    /** For tests: the kept runs' estimated weight in bytes. */
    long keptBytes() {
        sequence();
        return book.bytes();
    }

    /** For tests: the kept runs' ids, oldest first. */
    java.util.List<String> keptIds() {
        sequence();
        return book.ids();
    }

    /** What a submission led to: the run, and whether it is an earlier run with the same key. */
    public record Submitted(ActionRun run, boolean duplicate) {
    }

    /** A client-chosen id that a kept run already has: the second action is not accepted. */
    public static final class IdInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IdInUseException(String id) {
            super("an action with id '" + id + "' was already submitted; choose another id");
        }
    }

    /** Queues and starts an action already validated (and, for REST callers, authorized). */
    private Submitted handOver(Action action, RunBook.Owner owner, RunContext context) {
        Sequence seq = sequence();
        String key = action.metadata().idempotencyKey();
        long weight = RunBook.weigh(action); // serializing up to a megabyte: not under the hand-over lock
        dev.echo.action.cache.ResultCache.Key cacheKey = cacheKey(action, owner); // likewise the content's digest
        synchronized (handOver) {
            Optional<ActionRun> first = book.byKey(owner, key);
            if (first.isPresent()) {
                return new Submitted(first.get(), true);
            }
            if (book.contains(action.id())) {
                throw new IdInUseException(action.id());
            }
            Optional<dev.echo.action.cache.ResultCache.Hit> hit = cacheKey == null ? Optional.empty() : resultCache.get(cacheKey);
            if (cacheKey != null) {
                observer.cacheLookup(action, hit.isPresent());
            }
            book.expect(action.id(), owner, weight); // TooManyLiveRunsException: nothing was accepted
            if (hit.isPresent()) {
                ActionRun run;
                try {
                    run = seq.submitCached(action, context, hit.get().result()); // SUCCEEDED at once, recorded by onStart
                } catch (RuntimeException | Error e) {
                    book.unexpect(action.id());
                    throw e;
                }
                book.key(owner, key, action.id());
                return new Submitted(run, false);
            }
            ActionQueue.Delivery delivery;
            try {
                queue.offer(action); // QueueFullException: nothing was accepted
                // the hand-over lock keeps the queue empty between submissions: this is ours
                delivery = queue.poll(Duration.ZERO).orElseThrow(() -> new IllegalStateException(
                        "action " + action.id() + " was accepted but the queue did not deliver it"));
            } catch (InterruptedException e) {
                book.unexpect(action.id());
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.RejectedExecutionException("interrupted while handing over action " + action.id(), e);
            } catch (RuntimeException | Error e) {
                book.unexpect(action.id());
                throw e;
            }
            ActionRun run;
            try {
                run = seq.submit(delivery.action(), role -> true, context); // roles were checked above; recorded by onStart
            } catch (RuntimeException | Error e) {
                book.unexpect(action.id());
                delivery.ack(); // the caller is told it was not accepted: it must not run later behind its back
                throw e;
            }
            delivery.ack(); // handed over: the sequence owns the run now (see the class comment)
            book.key(owner, key, action.id());
            if (cacheKey != null) {
                keepResult(run, cacheKey);
            }
            return new Submitted(run, false);
        }
    }

    /**
     * Where a submission's result is cached: its function's {@code cache-for}, the owner and the
     * content's canonical digest; {@code null} when the function caches nothing, when the caller is
     * anonymous (anonymous callers all look alike: a result would cross callers), or when the content
     * has no canonical form (too deep): that submission just runs.
     */
    private dev.echo.action.cache.ResultCache.Key cacheKey(Action action, RunBook.Owner owner) {
        if (!cacheFor.containsKey(action.name()) || owner.equals(RunBook.Owner.ANONYMOUS)) {
            return null;
        }
        try {
            return new dev.echo.action.cache.ResultCache.Key(action.name(), callerKey(owner),
                    dev.echo.action.cache.CanonicalJson.digest(action.content()));
        } catch (IllegalArgumentException tooDeep) {
            return null;
        }
    }

    /** Keeps the run's result, if it succeeds, for its function's {@code cache-for}. */
    private void keepResult(ActionRun run, dev.echo.action.cache.ResultCache.Key key) {
        Duration ttl = cacheFor.get(key.function());
        run.completion().thenAccept(result -> resultCache.put(key, result, RunBook.weigh(result), ttl));
    }

    /** One string per owner: the application's own submissions are one caller. */
    static String callerKey(RunBook.Owner owner) {
        return (owner.application() ? "application:" : "caller:") + owner.name();
    }

    /** The run of an action submitted recently, if still recorded (the application sees every run). */
    public Optional<ActionRun> find(String id) {
        sequence(); // builds the book
        return book.find(id, RunBook.Owner.APPLICATION);
    }

    /**
     * The run {@code principalName} submitted with this id, if still recorded; empty for anyone
     * else's run and for every anonymous caller, as if it did not exist.
     */
    public Optional<ActionRun> find(String id, String principalName) {
        sequence();
        return book.find(id, RunBook.Owner.caller(principalName));
    }

    /**
     * The state of any run of this application, as this server knows it, with either queue: the
     * local run's (memory), or what the run-state topic said of it (jms, every server's runs).
     * Empty once the run is forgotten (only final runs are) or if there is no such run.
     */
    public Optional<ActionRun.State> state(String id) {
        sequence();
        if (isDistributed()) {
            return board.find(id, RunBook.Owner.APPLICATION).map(RunStatus::state);
        }
        return book.find(id, RunBook.Owner.APPLICATION).map(ActionRun::state);
    }

    /**
     * What every server knows of the run {@code principalName} submitted with this id
     * ({@code echo.actions.queue=jms}): empty for anyone else's run, as with {@link #find(String, String)}.
     */
    Optional<RunStatus> status(String id, String principalName) {
        return board().find(id, RunBook.Owner.caller(principalName));
    }

    /** Asks the server holding the run (or the next to take its message) to cancel it. */
    void requestCancel(String id) {
        distributed.requestCancel(id);
    }

    /**
     * Whether the application opened the REST surface ({@code echo.actions.rest.enabled=true}).
     * Off by default: adding the jar opens no endpoint the application did not ask for.
     */
    public boolean restEnabled() {
        Boolean enabled = restEnabled;
        if (enabled == null) {
            enabled = dev.echo.cdi.config.EchoConfig.actionsRestEnabled(
                    dev.echo.cdi.config.ConfigLookup.forApplication(Thread.currentThread().getContextClassLoader()));
            restEnabled = enabled;
        }
        return enabled;
    }

    /** In-process figures per action name (also exported to MicroProfile Metrics when present). */
    public java.util.Map<String, dev.echo.action.ActionStats.Figures> stats() {
        return stats.snapshot();
    }

    /**
     * Which server ran what, as this server knows it: per server, how many runs are in each state
     * ({@code echo.actions.queue=jms}: every server's runs this server has heard of, within
     * {@code echo.actions.kept-runs}); with the in-memory queue, this server's kept runs.
     */
    public java.util.Map<String, java.util.Map<ActionRun.State, Integer>> runsByServer() {
        sequence();
        if (isDistributed()) {
            return board.byServer();
        }
        java.util.Map<ActionRun.State, Integer> mine = new java.util.EnumMap<>(ActionRun.State.class);
        for (String id : book.ids()) {
            book.find(id, RunBook.Owner.APPLICATION).ifPresent(run -> mine.merge(run.state(), 1, Integer::sum));
        }
        return mine.isEmpty() ? java.util.Map.of() : java.util.Map.of(queueSettings.serverName(), mine);
    }

    /** {@code jms} or {@code memory}: where this application's accepted actions wait. */
    public String queueKind() {
        sequence();
        return queueSettings.jms() ? "jms" : "memory";
    }

    /** The names of the plan's functions. */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(new java.util.TreeSet<>(methods.actions().keySet()));
    }
}
