package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.ActionHook;
import dev.echo.action.ActionQueue;
import dev.echo.action.ActionRun;
import dev.echo.action.InMemoryActionQueue;
import dev.echo.action.Plan;
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
 * <p>Invariants: {@code runs} (guarded by itself) keeps at most {@value #KEPT_RUNS} runs, the
 * oldest dropped first; every action taken from the queue is acknowledged when its run ends.
 */
@ApplicationScoped
public class EchoActions {

    static final int KEPT_RUNS = 10_000;

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
    private final ActionQueue queue = new InMemoryActionQueue(10_000, Duration.ofMinutes(10));
    private final Map<String, ActionRun> runs = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ActionRun> eldest) {
            return size() > KEPT_RUNS;
        }
    });

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
            public void retrying(Action action, int failedAttempt, Duration wait) {
                observers.forEach(o -> o.retrying(action, failedAttempt, wait));
            }

            @Override
            public void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
                observers.forEach(o -> o.finished(action, state, attempts, elapsed));
            }
        };
        return new Sequence(runtime.scheduler(), plan.build(), hooks).observer(all)
                .onStart(run -> runs.put(run.action().id(), run));
    }

    /** The method's parameter from the action's content: plain, JSON-P, or bound with JSON-B. */
    private static Object[] bindArgument(Method method, Object content) {
        Class<?>[] types = method.getParameterTypes();
        if (types.length == 0) {
            return new Object[0];
        }
        Class<?> type = types[0];
        if (content == null || type.isInstance(content)) {
            return new Object[]{content};
        }
        if (JsonValue.class.isAssignableFrom(type)) {
            return new Object[]{ActionJson.toJson(content)};
        }
        try (var jsonb = jakarta.json.bind.JsonbBuilder.create()) {
            return new Object[]{jsonb.fromJson(ActionJson.toJson(content).toString(), method.getGenericParameterTypes()[0])};
        } catch (Exception e) {
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
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /**
     * Submits an action for a caller (roles through {@code callerHasRole}). License and routing
     * are checked first: nothing is queued when they fail. An action whose idempotency key is
     * already being handled returns the run of the first one.
     *
     * @throws dev.echo.action.ActionException LICENSE or ROUTING
     * @throws ActionQueue.QueueFullException  when the queue is full
     */
    public ActionRun submit(Action action, Predicate<String> callerHasRole) {
        Sequence seq = sequence();
        seq.validate(action, callerHasRole);
        ActionQueue.Receipt receipt = queue.offer(action);
        if (receipt.duplicate()) {
            ActionRun first = runs.get(receipt.actionId());
            if (first != null) {
                return first;
            }
        }
        ActionRun mine = null;
        Optional<ActionQueue.Delivery> next;
        try {
            // work-conserving hand-off: whoever offers drains what is waiting (in order)
            while ((next = queue.poll(Duration.ZERO)).isPresent()) {
                ActionQueue.Delivery delivery = next.get();
                ActionRun run = seq.submit(delivery.action(), role -> true); // roles were checked above; recorded by onStart
                run.completion().whenComplete((v, e) -> delivery.ack());
                if (delivery.action() == action) {
                    mine = run;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return mine != null ? mine : runs.get(action.id());
    }

    /** The run of an action submitted recently, if still recorded. */
    public Optional<ActionRun> find(String id) {
        return Optional.ofNullable(runs.get(id));
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

    /** The names of the plan's functions. */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(new java.util.TreeSet<>(methods.actions().keySet()));
    }
}
