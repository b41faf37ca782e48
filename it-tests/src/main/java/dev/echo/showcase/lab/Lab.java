package dev.echo.showcase.lab;

import dev.echo.cdi.EchoRuntime;
import dev.echo.showcase.ComparedExecutors;
import dev.echo.task.Priority;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The showcase's experiments: LOW backlogs, HIGH probes, HIGH floods and a side-by-side run,
 * each on Echo, on Liberty's default ManagedExecutorService, or on both at once. What each
 * experiment submits is checked here; the {@link Driver} puts the tasks on the executors, the
 * {@link Dashboard} keeps the figures the page shows.
 *
 * <h2>Invariants</h2>
 * {@code operations} (newest first, at most {@value #MAX_OPERATIONS_SHOWN}) and
 * {@code compareRun} (the one side-by-side run in progress, or null) are concurrent structures;
 * everything else is set once in {@link #start()}. Every experiment reserves its tasks from
 * {@code budget} before it submits anything (see {@link LabBudget}); a full lab refuses it with
 * {@link LabBudget.LabBusyException}.
 */
@ApplicationScoped
public class Lab {

    static final int MAX_OPERATIONS_SHOWN = 12;

    @Inject
    ComparedExecutors executors;

    @Inject
    EchoRuntime echo;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private Lane echoLane;
    private Lane libertyLane;
    private Driver driver;
    private Dashboard dashboard;
    private ScheduledExecutorService ticker;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<Operation> operations = new ConcurrentLinkedDeque<>();
    private final AtomicReference<SideBySide> compareRun = new AtomicReference<>();
    /** The lab's hard caps: tasks in progress and driven experiments, whoever asks. */
    private final LabBudget budget = new LabBudget();
    /** The lab's durable actions, under the same budget. */
    private final LabActions actions = new LabActions(budget);

    @PostConstruct
    void start() {
        echoLane = new Lane("echo", executors.echo(Priority.HIGH), executors.echo(Priority.LOW), new LaneStats());
        libertyLane = new Lane("liberty", executors.liberty(), executors.liberty(), new LaneStats());
        driver = new Driver(threads);
        dashboard = new Dashboard(echo, echoLane, libertyLane);
        ticker = Executors.newSingleThreadScheduledExecutor(threads);
        ticker.scheduleAtFixedRate(dashboard::tick, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        driver.stop();
    }

    // ------------------------------------------------------------------ experiments

    /** {@code count} LOW tasks of {@code millis} each on each lane, submitted at once. */
    public Operation backlog(String lane, int count, int millis) {
        List<Lane> lanes = lanes(lane);
        require(count >= 1 && count <= 200_000, "count must be 1..200000, was " + count);
        require(millis >= 0 && millis <= 100, "millis must be 0..100, was " + millis);
        try (LabBudget.Ticket ticket = budget.reserve((long) count * lanes.size(),
                time(lanes, (long) count * Driver.costMillis(TimeUnit.MILLISECONDS.toNanos(millis))), false)) {
            Operation op = register("LOW backlog", lane, (long) count * lanes.size(),
                    count + " LOW tasks of " + millis + " ms: draining");
            long now = System.nanoTime();
            for (Lane l : lanes) {
                for (int i = 0; i < count; i++) {
                    if (!driver.submit(ticket, l, Kind.LOW, now, TimeUnit.MILLISECONDS.toNanos(millis), op, null)) {
                        break;
                    }
                }
            }
            return op;
        }
    }

    /** {@code count} tiny HIGH tasks, one every {@code spacingMillis}, on each lane. */
    public Operation high(String lane, int count, int spacingMillis) {
        List<Lane> lanes = lanes(lane);
        require(count >= 1 && count <= 10_000, "count must be 1..10000, was " + count);
        require(spacingMillis >= 1 && spacingMillis <= 1000, "spacingMillis must be 1..1000, was " + spacingMillis);
        // probes are spaced: a window of 100 in flight per lane is plenty (a probe past it is skipped, not queued)
        LabBudget.Ticket ticket = budget.reserve((long) count * lanes.size(), time(lanes, Math.min(count, 100)), true);
        Operation op = register("HIGH probes", lane, (long) count * lanes.size(),
                count + " HIGH tasks, one every " + spacingMillis + " ms");
        driver.drive(op, ticket, () -> driver.probe(ticket, lanes, count, spacingMillis, op, null));
        return op;
    }

    /** HIGH tasks of 1 ms at Echo's full capacity for {@code seconds}, on each lane: LOW work must still progress. */
    public Operation flood(String lane, int seconds) {
        List<Lane> lanes = lanes(lane);
        require(seconds >= 1 && seconds <= 60, "seconds must be 1..60, was " + seconds);
        int perTenMillis = Math.max(1, workers() * 9); // workers x 900 tasks of ~1 ms per second: ~100 % load
        // a window of one second's tasks in flight: a flood that the executor cannot keep up with
        // skips submissions instead of piling up without bound
        // and at most a second of work per lane (past it a flood skips submissions)
        LabBudget.Ticket ticket = budget.reserve(100L * perTenMillis * lanes.size(),
                time(lanes, Math.min(100L * perTenMillis, 1_000)), true);
        Operation op = register("HIGH flood", lane, seconds * 100L,
                "HIGH tasks of 1 ms, " + perTenMillis * 100 + "/s, for " + seconds + " s");
        driver.drive(op, ticket, () -> {
            long t0 = System.nanoTime();
            for (int tick = 0; tick < seconds * 100; tick++) {
                long intended = t0 + TimeUnit.MILLISECONDS.toNanos(10L * tick);
                Driver.sleepUntil(intended);
                for (Lane l : lanes) {
                    for (int i = 0; i < perTenMillis; i++) {
                        driver.submit(ticket, l, Kind.FLOOD, intended, TimeUnit.MILLISECONDS.toNanos(1), null, null);
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
        SideBySide run = new SideBySide(backlog, probes);
        if (!compareRun.compareAndSet(null, run)) {
            SideBySide going = compareRun.get();
            throw new IllegalStateException("a side-by-side run is already in progress"
                    + (going == null || going.op == null ? "" : " (operation " + going.op.id() + ")") + ": wait for it to finish");
        }
        LabBudget.Ticket ticket;
        try {
            ticket = budget.reserve(2L * backlog + 2L * probes, time(List.of(echoLane, libertyLane),
                    backlog + Math.min(probes, 100)), true);
        } catch (LabBudget.LabBusyException e) {
            compareRun.set(null);
            throw e;
        }
        run.op = register("side-by-side", "both", 2L * probes,
                backlog + " LOW tasks of 1 ms on each executor, then " + probes + " HIGH probes every 10 ms");
        try {
            driveCompare(run, ticket, backlog, probes);
        } catch (RuntimeException e) {
            compareRun.set(null); // no driver thread took it: the next run may start
            run.op.fail("the side-by-side run could not start");
            java.util.logging.Logger.getLogger(Lab.class.getName()).log(java.util.logging.Level.WARNING,
                    "the lab's side-by-side run could not start", dev.echo.action.LogText.safe(e));
            throw e;
        }
        return run.op;
    }

    private void driveCompare(SideBySide run, LabBudget.Ticket ticket, int backlog, int probes) {
        driver.drive(run.op, ticket, () -> {
            try {
                List<Lane> both = List.of(echoLane, libertyLane);
                long now = System.nanoTime();
                for (Lane l : both) {
                    for (int i = 0; i < backlog; i++) {
                        driver.submit(ticket, l, Kind.LOW, now, TimeUnit.MILLISECONDS.toNanos(1), null, null);
                    }
                }
                run.op.detail("backlog queued on both; sending " + probes + " HIGH probes every 10 ms");
                driver.probe(ticket, both, probes, 10, run.op, run);
                awaitProbes(run);
                run.op.finish(run.summary());
            } finally {
                compareRun.set(null);
                dashboard.compareFinished(run);
            }
        });
    }

    private static void awaitProbes(SideBySide run) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (run.finishedProbes() < 2L * run.probes && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            run.op.detail("waiting for the last HIGH probes: " + run.finishedProbes() + " of " + 2 * run.probes + " done");
        }
    }

    // ------------------------------------------------------------------ plumbing

    private Operation register(String kind, String lane, long total, String detail) {
        Operation op = new Operation(ids.incrementAndGet(), kind, lane, total, detail);
        operations.addFirst(op);
        while (operations.size() > MAX_OPERATIONS_SHOWN) {
            operations.pollLast();
        }
        return op;
    }

    /** {@code millis} of work on each of {@code lanes}. */
    private static Map<String, Long> time(List<Lane> lanes, long millis) {
        Map<String, Long> out = new java.util.HashMap<>();
        lanes.forEach(l -> out.put(l.name(), millis));
        return out;
    }

    private List<Lane> lanes(String lane) {
        if (lane == null) {
            throw new IllegalArgumentException("lane is required: 'echo', 'liberty' or 'both'");
        }
        return switch (lane) {
            case "echo" -> List.of(echoLane);
            case "liberty" -> List.of(libertyLane);
            case "both" -> List.of(echoLane, libertyLane);
            default -> throw new IllegalArgumentException("lane must be 'echo', 'liberty' or 'both', was '" + Printable.of(lane) + "'");
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

    /**
     * Admits {@code count} lab actions of {@code millis} each ({@link LabActions}); {@code state}
     * tells which earlier ones have ended.
     *
     * @throws LabBudget.LabBusyException beyond the lab's caps (a 429)
     */
    public LabActions.Admitted admitActions(int count, int millis,
                                            java.util.function.Function<String, java.util.Optional<dev.echo.action.ActionRun.State>> state) {
        return actions.admit(count, millis, state);
    }

    /** Everything the page shows, in one JSON object; {@code state} tells which lab actions have ended. */
    public Map<String, Object> dashboard(java.util.function.Function<String, java.util.Optional<dev.echo.action.ActionRun.State>> state) {
        actions.forgetFinished(state);
        Map<String, Object> json = new java.util.LinkedHashMap<>(dashboard.toJson(operations));
        json.put("limits", Map.of("labActionsInProgress", actions.inProgress(), "maxLabActions", LabActions.MAX_IN_PROGRESS,
                "tasksInProgress", budget.committed(), "maxTasks", LabBudget.MAX_TASKS,
                "experimentsRunning", budget.driven(), "maxExperiments", LabBudget.MAX_DRIVEN,
                "echoMillisInProgress", budget.laneMillis("echo"), "maxEchoMillis", LabBudget.ECHO_LANE_MILLIS,
                "libertyMillisInProgress", budget.laneMillis("liberty"), "maxLibertyMillis", LabBudget.LIBERTY_LANE_MILLIS));
        return json;
    }
}
