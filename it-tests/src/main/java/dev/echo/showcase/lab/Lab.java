package dev.echo.showcase.lab;

import dev.echo.cdi.EchoRuntime;
import dev.echo.metrics.SchedulerMetrics;
import dev.echo.showcase.ComparedExecutors;
import dev.echo.task.Priority;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The showcase's experiments: LOW backlogs, HIGH probes, HIGH floods and a side-by-side run,
 * each on Echo, on Liberty's default ManagedExecutorService, or on both at once; and the
 * figures the dashboard shows.
 *
 * <h2>Invariants</h2>
 * Experiments are driven from the lab's own threads (from the container's ManagedThreadFactory),
 * never from either executor under test, so a backlog in one cannot delay the submissions it is
 * measured with. HIGH probes are submitted open-loop at intended instants and their wait is
 * measured from the intended instant (a late driver does not hide queueing). {@code history}
 * is guarded by itself; {@code operations} and {@code compareRun} are concurrent structures.
 */
@ApplicationScoped
public class Lab {

    private static final Logger LOG = Logger.getLogger(Lab.class.getName());
    static final int HISTORY_POINTS = 120;
    static final int MAX_OPERATIONS_SHOWN = 12;

    @Inject
    ComparedExecutors executors;

    @Inject
    EchoRuntime echo;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private Lane echoLane;
    private Lane libertyLane;
    private ExecutorService drivers;
    private ScheduledExecutorService ticker;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<Operation> operations = new ConcurrentLinkedDeque<>();
    private final AtomicReference<Compare> compareRun = new AtomicReference<>();
    private final Deque<Map<String, Object>> history = new ArrayDeque<>();

    @PostConstruct
    void start() {
        echoLane = new Lane("echo", executors.echo(Priority.HIGH), executors.echo(Priority.LOW), new LaneStats());
        libertyLane = new Lane("liberty", executors.liberty(), executors.liberty(), new LaneStats());
        drivers = Executors.newCachedThreadPool(threads);
        ticker = Executors.newSingleThreadScheduledExecutor(threads);
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        drivers.shutdownNow();
    }

    // ------------------------------------------------------------------ experiments

    /** {@code count} LOW tasks of {@code millis} each on each lane, submitted at once. */
    public Operation backlog(String lane, int count, int millis) {
        List<Lane> lanes = lanes(lane);
        require(count >= 1 && count <= 200_000, "count must be 1..200000, was " + count);
        require(millis >= 0 && millis <= 100, "millis must be 0..100, was " + millis);
        Operation op = register("LOW backlog", lane, (long) count * lanes.size(),
                count + " LOW tasks of " + millis + " ms: draining");
        long now = System.nanoTime();
        for (Lane l : lanes) {
            for (int i = 0; i < count; i++) {
                if (!submit(l, Kind.LOW, now, TimeUnit.MILLISECONDS.toNanos(millis), op, null)) {
                    break;
                }
            }
        }
        return op;
    }

    /** {@code count} tiny HIGH tasks, one every {@code spacingMillis}, on each lane. */
    public Operation high(String lane, int count, int spacingMillis) {
        List<Lane> lanes = lanes(lane);
        require(count >= 1 && count <= 10_000, "count must be 1..10000, was " + count);
        require(spacingMillis >= 1 && spacingMillis <= 1000, "spacingMillis must be 1..1000, was " + spacingMillis);
        Operation op = register("HIGH probes", lane, (long) count * lanes.size(),
                count + " HIGH tasks, one every " + spacingMillis + " ms");
        drive(op, () -> probe(lanes, count, spacingMillis, op, null));
        return op;
    }

    /** HIGH tasks of 1 ms at Echo's full capacity for {@code seconds}, on each lane: LOW work must still progress. */
    public Operation flood(String lane, int seconds) {
        List<Lane> lanes = lanes(lane);
        require(seconds >= 1 && seconds <= 60, "seconds must be 1..60, was " + seconds);
        int perTenMillis = Math.max(1, workers() * 9); // workers x 900 tasks of ~1 ms per second: ~100 % load
        Operation op = register("HIGH flood", lane, seconds * 100L,
                "HIGH tasks of 1 ms, " + perTenMillis * 100 + "/s, for " + seconds + " s");
        drive(op, () -> {
            long t0 = System.nanoTime();
            for (int tick = 0; tick < seconds * 100; tick++) {
                long intended = t0 + TimeUnit.MILLISECONDS.toNanos(10L * tick);
                sleepUntil(intended);
                for (Lane l : lanes) {
                    for (int i = 0; i < perTenMillis; i++) {
                        submit(l, Kind.FLOOD, intended, TimeUnit.MILLISECONDS.toNanos(1), null, null);
                    }
                }
                op.advanceTo(tick + 1);
            }
            op.finish("flooded for " + seconds + " s");
        });
        return op;
    }

    /**
     * The side-by-side run: the same LOW backlog on Echo and on Liberty's default executor, then
     * the same HIGH probes on both; reports each lane's HIGH wait percentiles. One at a time.
     */
    public Operation compare(int backlog, int probes) {
        require(backlog >= 1 && backlog <= 100_000, "backlog must be 1..100000, was " + backlog);
        require(probes >= 10 && probes <= 1000, "probes must be 10..1000, was " + probes);
        Compare run = new Compare(backlog, probes);
        if (!compareRun.compareAndSet(null, run)) {
            throw new IllegalStateException("a side-by-side run is already in progress (operation "
                    + compareRun.get().op.id() + "): wait for it to finish");
        }
        run.op = register("side-by-side", "both", 2L * probes,
                backlog + " LOW tasks of 1 ms on each executor, then " + probes + " HIGH probes every 10 ms");
        drive(run.op, () -> {
            try {
                List<Lane> both = List.of(echoLane, libertyLane);
                long now = System.nanoTime();
                for (Lane l : both) {
                    for (int i = 0; i < backlog; i++) {
                        submit(l, Kind.LOW, now, TimeUnit.MILLISECONDS.toNanos(1), null, null);
                    }
                }
                run.op.detail("backlog queued on both; sending " + probes + " HIGH probes every 10 ms");
                probe(both, probes, 10, run.op, run);
                awaitProbes(run);
                run.op.finish(run.summary());
            } finally {
                compareRun.set(null);
                synchronized (history) {
                    lastCompare = run.toJson();
                }
            }
        });
        return run.op;
    }

    private void awaitProbes(Compare run) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (run.finishedProbes() < 2L * run.probes && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            run.op.detail("waiting for the last HIGH probes: " + run.finishedProbes() + " of " + 2 * run.probes + " done");
        }
    }

    /** The result of one side-by-side run; recorders are written by tasks, read once all probes finished. */
    private final class Compare {
        final int backlog;
        final int probes;
        final Map<String, Recorder> waits = Map.of("echo", new Recorder(3), "liberty", new Recorder(3));
        final Map<String, AtomicLong> finished = Map.of("echo", new AtomicLong(), "liberty", new AtomicLong());
        volatile Operation op;
        private Map<String, Histogram> result;

        Compare(int backlog, int probes) {
            this.backlog = backlog;
            this.probes = probes;
        }

        long finishedProbes() {
            return finished.get("echo").get() + finished.get("liberty").get();
        }

        synchronized Map<String, Histogram> result() {
            if (result == null) {
                result = Map.of("echo", waits.get("echo").getIntervalHistogram(), "liberty", waits.get("liberty").getIntervalHistogram());
            }
            return result;
        }

        String summary() {
            Histogram e = result().get("echo"), l = result().get("liberty");
            if (e.getTotalCount() == 0 || l.getTotalCount() == 0) {
                return "no probe finished on " + (e.getTotalCount() == 0 ? "Echo" : "Liberty");
            }
            double ep99 = e.getValueAtPercentile(99) / 1000.0, lp99 = l.getValueAtPercentile(99) / 1000.0;
            return String.format(Locale.ROOT, "HIGH wait p99: Echo %.2f ms, Liberty's default executor %.2f ms (%.0fx lower with Echo)",
                    ep99, lp99, lp99 / Math.max(ep99, 0.001));
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operation", op.id());
            m.put("backlog", backlog);
            m.put("probes", probes);
            m.put("echo", LaneStats.percentiles(result().get("echo")));
            m.put("liberty", LaneStats.percentiles(result().get("liberty")));
            m.put("summary", summary());
            return m;
        }
    }

    private Map<String, Object> lastCompare;

    // ------------------------------------------------------------------ plumbing

    private void probe(List<Lane> lanes, int count, int spacingMillis, Operation op, Compare run) {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long intended = t0 + TimeUnit.MILLISECONDS.toNanos((long) spacingMillis * i);
            sleepUntil(intended);
            for (Lane l : lanes) {
                submit(l, Kind.HIGH, intended, 0, op, run);
            }
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** Submits one demo task; false (and the operation FAILED) if the executor refused it. */
    private boolean submit(Lane lane, Kind kind, long intendedNanos, long workNanos, Operation op, Compare run) {
        LaneStats stats = lane.stats();
        stats.submitted(kind);
        try {
            lane.executor(kind).execute(() -> {
                long wait = System.nanoTime() - intendedNanos;
                stats.started(kind, wait);
                if (run != null) {
                    run.waits.get(lane.name()).recordValue(Math.max(0, wait / 1000));
                }
                sleepUntil(System.nanoTime() + workNanos); // the task's "work": holds its thread
                stats.finished(kind);
                if (run != null) {
                    run.finished.get(lane.name()).incrementAndGet();
                }
                if (op != null) {
                    op.advance();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            stats.refused(kind);
            if (op != null) {
                op.fail(lane.name() + " refused a " + kind + " task: " + e.getMessage());
            }
            return false;
        }
    }

    private void drive(Operation op, Runnable body) {
        drivers.execute(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "showcase operation " + op.id() + " failed", e);
                op.fail(e.toString());
            }
        });
    }

    private Operation register(String kind, String lane, long total, String detail) {
        Operation op = new Operation(ids.incrementAndGet(), kind, lane, total, detail);
        operations.addFirst(op);
        while (operations.size() > MAX_OPERATIONS_SHOWN) {
            operations.pollLast();
        }
        return op;
    }

    private List<Lane> lanes(String lane) {
        if (lane == null) {
            throw new IllegalArgumentException("lane is required: 'echo', 'liberty' or 'both'");
        }
        return switch (lane) {
            case "echo" -> List.of(echoLane);
            case "liberty" -> List.of(libertyLane);
            case "both" -> List.of(echoLane, libertyLane);
            default -> throw new IllegalArgumentException("lane must be 'echo', 'liberty' or 'both', was '" + lane + "'");
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private int workers() {
        return echo.metrics().workers();
    }

    // ------------------------------------------------------------------ dashboard

    private void tick() {
        try {
            echoLane.stats().tick();
            libertyLane.stats().tick();
            SchedulerMetrics m = echo.metrics();
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("t", System.currentTimeMillis());
            point.put("echoThroughput", Math.round(echoLane.stats().throughput()));
            point.put("libertyThroughput", Math.round(libertyLane.stats().throughput()));
            point.put("echoHighP99", echoLane.stats().recentWaits(Kind.HIGH).get("p99"));
            point.put("libertyHighP99", libertyLane.stats().recentWaits(Kind.HIGH).get("p99"));
            point.put("echoLowQueued", m.queueDepth().get(Priority.LOW));
            long libertyWaiting = 0;
            for (Kind k : Kind.values()) {
                libertyWaiting += libertyLane.stats().waiting(k);
            }
            point.put("libertyWaiting", libertyWaiting);
            synchronized (history) {
                history.addLast(point);
                while (history.size() > HISTORY_POINTS) {
                    history.removeFirst();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "showcase tick failed", e);
        }
    }

    /** Everything the page shows, in one JSON object. */
    public Map<String, Object> dashboard() {
        SchedulerMetrics m = echo.metrics();
        Map<String, Object> echoJson = echoLane.stats().toJson();
        Map<String, Object> depth = new LinkedHashMap<>();
        for (Priority p : Priority.values()) {
            depth.put(p.name(), m.queueDepth().get(p));
        }
        echoJson.put("queueDepth", depth);
        echoJson.put("workers", m.workers());
        echoJson.put("busyWorkers", m.activeWorkers());
        echoJson.put("parkedWorkers", m.parkedWorkers());
        echoJson.put("steals", m.steals());
        echoJson.put("completed", m.completed());
        echoJson.put("submitted", m.submitted());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("time", System.currentTimeMillis());
        result.put("echo", echoJson);
        result.put("liberty", libertyLane.stats().toJson());
        result.put("operations", operations.stream().map(Operation::toJson).toList());
        synchronized (history) {
            result.put("history", new ArrayList<>(history));
            result.put("compare", lastCompare);
        }
        return result;
    }
}
