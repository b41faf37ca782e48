package dev.echo.cdi.observe;

import dev.echo.metrics.PriorityCounts;
import dev.echo.metrics.SchedulerMetrics;
import dev.echo.metrics.TaskObserver;
import dev.echo.scheduler.Scheduler;
import dev.echo.task.Priority;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Echo's executor in MicroProfile Metrics 5.1, application scope. In Prometheus text:
 * <ul>
 *   <li>counters {@code echo_tasks_submitted_total}, {@code _completed_}, {@code _failed_},
 *       {@code _cancelled_}, {@code _rejected_} with a {@code priority} tag, and
 *       {@code echo_steals_total}, {@code echo_parks_total}, {@code echo_unparks_total};</li>
 *   <li>gauges {@code echo_queue_depth{priority}}, {@code echo_workers_active},
 *       {@code echo_workers_parked}, {@code echo_workers_dead}, {@code echo_tasks_delayed},
 *       {@code echo_tasks_awaiting};</li>
 *   <li>timers {@code echo_task_wait_seconds{priority}} and {@code echo_task_run_seconds{priority}}.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * The scheduler counts on its own lock-free counters; MP counters can only be incremented, so
 * {@link #sync} adds what changed since the last sync: every second on a thread from the
 * container's thread factory, and once more at stop. {@code synced} holds the values already
 * added and is guarded by {@code this} (sync is the only reader and writer). Exported counters
 * therefore trail the scheduler by at most a second, and never count a task twice. Timers are
 * fed per timed task by the worker through {@link TaskObserver} (Micrometer's timers are
 * thread-safe): every task at ordinary rates, a sample under a flood (see TaskObserver).
 * Gauges read a scheduler snapshot at most every 100 ms ({@code cached}, a volatile reference to
 * an immutable pair, so concurrent scrapes at worst both take a fresh snapshot).
 */
final class MicroProfileExecutorMetrics implements ExecutorMetrics {

    private static final Logger LOG = Logger.getLogger(MicroProfileExecutorMetrics.class.getName());
    private static final long SNAPSHOT_MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private enum Kind {
        SUBMITTED("echo.tasks.submitted", "Tasks accepted", PriorityCounts::submitted),
        COMPLETED("echo.tasks.completed", "Tasks that completed normally", PriorityCounts::completed),
        FAILED("echo.tasks.failed", "Tasks whose body threw", PriorityCounts::failed),
        CANCELLED("echo.tasks.cancelled", "Tasks cancelled before or while they ran", PriorityCounts::cancelled),
        REJECTED("echo.tasks.rejected", "Submissions refused (stopping or queue full)", PriorityCounts::rejected);

        final String metric;
        final String description;
        final ToLongFunction<PriorityCounts> read;

        Kind(String metric, String description, ToLongFunction<PriorityCounts> read) {
            this.metric = metric;
            this.description = description;
            this.read = read;
        }
    }

    private record Snapshot(long takenAt, SchedulerMetrics metrics) {
    }

    private final MetricRegistry registry;
    private final Map<Priority, Timer> waitTimers = new EnumMap<>(Priority.class);
    private final Map<Priority, Timer> runTimers = new EnumMap<>(Priority.class);
    private final Map<Priority, Counter[]> taskCounters = new EnumMap<>(Priority.class);
    private Counter steals, parks, unparks, longRunningStarted, longRunningRejected, sparesStarted;
    /** Guarded by {@code this}: values already added to the MP counters. */
    private final long[] synced = new long[Priority.count() * Kind.values().length + 6];
    private volatile Scheduler scheduler;
    private volatile LongRunningCounts longRunning = LongRunningCounts.NONE;
    private volatile Snapshot cached;
    private ScheduledExecutorService ticker;

    private MicroProfileExecutorMetrics(MetricRegistry registry) {
        this.registry = registry;
        for (Priority p : Priority.values()) {
            Tag tag = priorityTag(p);
            waitTimers.put(p, registry.timer(Metadata.builder().withName("echo.task.wait")
                    .withDescription("Time from entering Echo's ready queue to starting").build(), tag));
            runTimers.put(p, registry.timer(Metadata.builder().withName("echo.task.run")
                    .withDescription("Run time of Echo tasks").build(), tag));
            Counter[] counters = new Counter[Kind.values().length];
            for (Kind k : Kind.values()) {
                counters[k.ordinal()] = registry.counter(Metadata.builder().withName(k.metric).withDescription(k.description).build(), tag);
            }
            taskCounters.put(p, counters);
        }
        steals = registry.counter(Metadata.builder().withName("echo.steals").withDescription("Successful steals (each moves a batch of tasks)").build());
        parks = registry.counter(Metadata.builder().withName("echo.parks").withDescription("Times a worker parked for lack of work").build());
        unparks = registry.counter(Metadata.builder().withName("echo.unparks").withDescription("Times a parked worker was woken").build());
        sparesStarted = registry.counter(Metadata.builder().withName("echo.workers.spare.started")
                .withDescription("Spare workers started because every worker was blocked while work waited").build());
        longRunningStarted = registry.counter(Metadata.builder().withName("echo.tasks.long_running.started")
                .withDescription("LONGRUNNING_HINT tasks started, each on a thread of its own").build());
        longRunningRejected = registry.counter(Metadata.builder().withName("echo.tasks.long_running.rejected")
                .withDescription("LONGRUNNING_HINT tasks refused: stopping, or echo.long-running.max reached").build());
    }

    static ExecutorMetrics lookup() {
        MetricRegistry registry = MetricRegistryHolder.current();
        if (registry == null) {
            LOG.info("Echo: no MicroProfile MetricRegistry bean; executor metrics stay in-process");
            return NONE;
        }
        return new MicroProfileExecutorMetrics(registry);
    }

    private static Tag priorityTag(Priority p) {
        return new Tag("priority", p.name());
    }

    @Override
    public TaskObserver observer() {
        return (priority, waitNanos, runNanos) -> {
            waitTimers.get(priority).update(Duration.ofNanos(waitNanos));
            runTimers.get(priority).update(Duration.ofNanos(runNanos));
        };
    }

    @Override
    public synchronized void start(Scheduler s, ThreadFactory threads, LongRunningCounts longRunningTasks) {
        scheduler = s;
        longRunning = longRunningTasks;
        registry.gauge(Metadata.builder().withName("echo.tasks.long_running")
                .withDescription("LONGRUNNING_HINT tasks running now").build(), this, m -> m.longRunning.active());
        for (Priority p : Priority.values()) {
            registry.gauge(Metadata.builder().withName("echo.queue.depth").withDescription("Tasks queued and ready to start").build(),
                    this, m -> m.snapshot().queueDepth().get(p), priorityTag(p));
        }
        gauge("echo.workers.active", "Workers running a task or looking for one", m -> m.activeWorkers());
        gauge("echo.workers.parked", "Workers parked for lack of work", m -> m.parkedWorkers());
        gauge("echo.workers.dead", "Worker threads that ended while Echo was running", m -> m.deadWorkers());
        gauge("echo.workers.spare", "Spare workers running now (compensation for blocked workers), and the urgent thread once made", m -> m.spareWorkers());
        gauge("echo.tasks.delayed", "Delayed tasks whose time has not come", m -> m.delayed());
        gauge("echo.tasks.awaiting", "Async tasks waiting for their stage, holding no worker", m -> m.awaiting());
        String threadName = s.name() + "-metrics"; // named like Echo's other threads, so leaks are visible
        ticker = Executors.newSingleThreadScheduledExecutor(body -> {
            Thread t = threads.newThread(body);
            try {
                t.setName(threadName);
            } catch (SecurityException ignored) {
                // a container factory may forbid renaming; its own name is fine
            }
            return t;
        });
        ticker.scheduleWithFixedDelay(this::syncQuietly, 1, 1, TimeUnit.SECONDS);
        LOG.info("Echo: executor metrics exported to MicroProfile Metrics (application scope, echo_* with a priority tag)");
    }

    private void gauge(String name, String description, java.util.function.ToLongFunction<SchedulerMetrics> read) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), this,
                m -> read.applyAsLong(m.snapshot()));
    }

    private SchedulerMetrics snapshot() {
        Snapshot c = cached;
        long now = System.nanoTime();
        if (c == null || now - c.takenAt() > SNAPSHOT_MAX_AGE_NANOS) {
            c = new Snapshot(now, scheduler.metrics());
            cached = c;
        }
        return c.metrics();
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Echo: updating the MicroProfile counters failed; next try in a second", e);
        }
    }

    /** Adds to each MP counter what the scheduler counted since the last call. */
    synchronized void sync() {
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        SchedulerMetrics m = s.metrics();
        int slot = 0;
        for (Priority p : Priority.values()) {
            PriorityCounts counts = m.byPriority().get(p);
            Counter[] counters = taskCounters.get(p);
            for (Kind k : Kind.values()) {
                slot = add(counters[k.ordinal()], k.read.applyAsLong(counts), slot);
            }
        }
        slot = add(steals, m.steals(), slot);
        slot = add(parks, m.parks(), slot);
        slot = add(unparks, m.unparks(), slot);
        slot = add(sparesStarted, m.sparesStarted(), slot);
        LongRunningCounts l = longRunning;
        slot = add(longRunningStarted, l.started(), slot);
        add(longRunningRejected, l.rejected(), slot);
    }

    private int add(Counter counter, long now, int slot) {
        long delta = now - synced[slot];
        if (delta > 0) {
            counter.inc(delta);
            synced[slot] = now;
        }
        return slot + 1;
    }

    @Override
    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        sync();
    }
}
