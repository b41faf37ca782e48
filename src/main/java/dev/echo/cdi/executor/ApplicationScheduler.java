package dev.echo.cdi.executor;

import dev.echo.cdi.config.ConfigLookup;
import dev.echo.cdi.config.EchoConfig;
import dev.echo.cdi.observe.ExecutorHealth;
import dev.echo.cdi.observe.ExecutorMetrics;
import dev.echo.cdi.observe.HealthSource;
import dev.echo.cdi.observe.TaskTracing;
import dev.echo.metrics.SchedulerMetrics;
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Echo scheduler per application, built from the container's resources when the
 * application starts and stopped when it stops. Everything that puts work on Echo goes through
 * it: the executor views, {@code @EchoAsync} and the action system. Applications see it only
 * through {@link dev.echo.cdi.EchoRuntime}; the class is public because the action and
 * observability packages and the extension need {@link #scheduler()} and {@link #health()}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code java:comp} look-ups need the application's component context, so they happen in
 *       {@link #start} — an observer of {@code @Initialized(ApplicationScoped.class)}, run on an
 *       application thread — or on the first use from an application thread, never from a
 *       container lifecycle event (DESIGN.md §4).</li>
 *   <li>{@code state} (guarded by {@code this}) moves NEW → RUNNING → STOPPED once; views are
 *       handed out only while RUNNING, and a submission after STOPPED is rejected by the
 *       scheduler itself.</li>
 *   <li>{@code views} is filled once in startOnce, before the volatile write of
 *       {@code scheduler}, and never changed after: readers that saw the scheduler (every
 *       accessor calls ensureStarted) read it without a lock — it is on the path of every
 *       {@code @EchoAsync} call.</li>
 *   <li>{@code longRunning} (set with the scheduler, before its volatile write) runs the
 *       LONGRUNNING_HINT tasks; stop refuses new ones at once and interrupts the running ones
 *       after the drain.</li>
 * </ul>
 */
@ApplicationScoped
public class ApplicationScheduler implements HealthSource {

    private static final Logger LOG = Logger.getLogger(ApplicationScheduler.class.getName());

    static final String THREAD_FACTORY_JNDI = "java:comp/DefaultManagedThreadFactory";
    static final String CONTEXT_SERVICE_JNDI = "java:comp/DefaultContextService";
    static final String APP_NAME_JNDI = "java:app/AppName";

    /** Written once under {@code this} by ensureStarted; volatile so the submit path needs no lock. */
    private volatile Scheduler scheduler;
    private volatile ThreadFactory threadFactory;
    private volatile ContextService contextService;
    private volatile EchoConfig config;
    /** The application's name (java:app/AppName) when the container has one; for health data. */
    private volatile String application;
    /** Set before the volatile write of {@code scheduler} that publishes them. */
    private volatile ExecutorMetrics metrics = ExecutorMetrics.NONE;
    private volatile TaskTracing tracing = TaskTracing.NONE;
    private final Map<Priority, EchoManagedExecutor> views = new EnumMap<>(Priority.class);
    private volatile LongRunningTasks longRunning;
    /** Written under {@code this}; volatile so health probes read it without waiting for a drain. */
    private volatile boolean stopped;

    /** Eager start when the application starts (application thread: java:comp works here). */
    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        ensureStarted();
    }

    void ensureStarted() {
        if (scheduler == null) {
            startOnce();
        }
    }

    private synchronized void startOnce() {
        if (scheduler != null || stopped) {
            return;
        }
        ClassLoader app = Thread.currentThread().getContextClassLoader();
        EchoConfig cfg = EchoConfig.read(ConfigLookup.forApplication(app));
        ThreadFactory factory = lookup(THREAD_FACTORY_JNDI, ThreadFactory.class);
        ContextService context = lookup(CONTEXT_SERVICE_JNDI, ContextService.class);
        boolean container = factory != null;
        if (factory == null) {
            factory = r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            };
        }
        config = cfg;
        application = lookup(APP_NAME_JNDI, String.class);
        threadFactory = factory;
        contextService = context != null ? context : NoContextService.INSTANCE;
        for (Priority p : Priority.values()) {
            views.put(p, new EchoManagedExecutor(this, p));
        }
        ExecutorMetrics exported = ExecutorMetrics.lookup();
        tracing = TaskTracing.lookup();
        metrics = exported;
        // the container's threads carry Echo's names (echo-worker-i): what its metrics, dumps and docs show
        SchedulerBuilder builder = cfg.toBuilder().threadFactory(factory).nameThreads(true);
        if (exported.observer() != null) {
            builder.taskObserver(exported.observer());
        }
        Scheduler started = builder.build();
        longRunning = new LongRunningTasks(cfg.longRunningMax(), factory, cfg.name());
        exported.start(started, factory, longRunning);
        scheduler = started; // last: publishes the rest
        LOG.info(() -> "Echo ManagedExecutorService started for the application: " + config.workers() + " workers"
                + " (up to " + config.maxWorkers() + " with spares for blocked ones)"
                + ", queue capacity " + (config.queueCapacity() == Integer.MAX_VALUE ? "unbounded" : config.queueCapacity())
                + ", ageing " + config.agingThreshold() + ", stop timeout " + config.stopTimeout()
                + (container ? ", threads and context from the container" : ", no container resources (Java SE)"));
    }

    private static <T> T lookup(String name, Class<T> type) {
        try {
            Object found = new InitialContext().lookup(name);
            return type.isInstance(found) ? type.cast(found) : null;
        } catch (NamingException | RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "no " + name + " here; Echo runs without it", e);
            return null;
        }
    }

    /** Application stop: reject, drain up to echo.stop.timeout, cancel the rest, interrupt. */
    @PreDestroy
    synchronized void stop() {
        if (scheduler == null) {
            stopped = true;
            return;
        }
        // The stop begins with this snapshot: every task that ends after it was queued or running
        // at stop and counts as drained. Readiness turns DOWN only after it, so a task waiting for
        // the stop to show (ApplicationStopTest's holder) cannot end, with the ones behind it,
        // before the snapshot (CI once logged "drained 0" for 4 such tasks).
        SchedulerMetrics before = scheduler.metrics();
        stopped = true;
        longRunning.refuseNew();
        Duration timeout = config.stopTimeout();
        List<Runnable> dropped = scheduler.stop(timeout);
        int cancelled = 0;
        for (Runnable r : dropped) {
            if (r instanceof Future<?> f && f.cancel(false)) {
                cancelled++; // listeners learn of it through the managed future (taskAborted, taskDone)
            }
        }
        int interrupted = longRunning.interruptRunning();
        metrics.stop();
        SchedulerMetrics after = scheduler.metrics();
        long drained = after.completed() + after.failed() - before.completed() - before.failed();
        int finalCancelled = cancelled;
        LOG.info(() -> "Echo ManagedExecutorService stopped: drained " + drained + " tasks that were queued or running at stop, "
                + finalCancelled + " queued tasks cancelled after the " + timeout + " drain"
                + (interrupted == 0 ? "" : ", " + interrupted + " long-running tasks interrupted")
                + "; " + after.completed() + " tasks completed and " + after.failed() + " failed in all");
    }

    /** A snapshot of the scheduler's counters (see {@link dev.echo.cdi.EchoRuntime#metrics()}). */
    public SchedulerMetrics metrics() {
        return scheduler().metrics();
    }

    /** Readiness and liveness as MicroProfile Health reports them. */
    @Override
    public ExecutorHealth health() {
        // No lock: stop() holds it for the whole drain, and a probe must answer DOWN meanwhile.
        boolean stopping = stopped;
        Scheduler s = scheduler;
        if (s == null) {
            return ExecutorHealth.stopped();
        }
        return ExecutorHealth.of(application, stopping || s.isShutdown(), s.metrics(), config.queueCapacity());
    }

    /** The tracing glue this application got ({@link TaskTracing#NONE} without telemetry). */
    public TaskTracing tracing() {
        ensureStarted();
        return tracing;
    }

    /**
     * Wraps the work of one task on the submitting thread, for every way a task reaches Echo
     * (executor views, {@code @EchoAsync}): its span innermost, so the span is current inside
     * the task's container context, then the container context captured here.
     *
     * @param name       the task's name in its span
     * @param delayNanos for a delayed task, how long after submission it becomes due
     */
    <T> Callable<T> prepare(Callable<T> work, Priority priority, String name, long delayNanos) {
        return contextService().contextualCallable(traced(work, priority, name, delayNanos));
    }

    /** Like {@link #prepare} for work that already carries its container context: the span only. */
    <T> Callable<T> traced(Callable<T> work, Priority priority, String name, long delayNanos) {
        ensureStarted();
        return tracing.wrap(work, priority, name, delayNanos);
    }

    /** The application's scheduler; rejects once the application has stopped. */
    public Scheduler scheduler() {
        ensureStarted();
        Scheduler s = scheduler;
        if (s == null) {
            throw new java.util.concurrent.RejectedExecutionException("Echo has stopped with its application");
        }
        return s;
    }

    /** The container's context service ({@code java:comp/DefaultContextService}), or a pass-through outside a container. */
    public ContextService contextService() {
        ensureStarted();
        return contextService;
    }

    /** How long the application's stop waits for running work (echo.stop.timeout). */
    public Duration stopTimeout() {
        ensureStarted();
        return config.stopTimeout();
    }

    /** The container's managed thread factory (threads with the application's context). */
    public ThreadFactory threadFactory() {
        ensureStarted();
        return threadFactory;
    }

    EchoConfig config() {
        ensureStarted();
        return config;
    }

    /** The executor view whose plain submissions use {@code priority}. */
    EchoManagedExecutor view(Priority priority) {
        ensureStarted(); // views are filled before the volatile write of 'scheduler' that this reads
        EchoManagedExecutor v = views.get(priority);
        if (v == null) {
            throw new IllegalStateException("Echo has stopped with its application");
        }
        return v;
    }

    /** Runs LONGRUNNING_HINT tasks on threads of their own. */
    LongRunningTasks longRunning() {
        ensureStarted();
        LongRunningTasks l = longRunning;
        if (l == null) {
            throw new java.util.concurrent.RejectedExecutionException("Echo has stopped with its application");
        }
        return l;
    }
}
