package dev.echo.showcase.lab;

import dev.echo.cdi.EchoRuntime;
import dev.echo.metrics.SchedulerMetrics;
import dev.echo.task.Priority;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The figures the page shows: the lanes' live statistics, Echo's own metrics, one history point
 * a second for the charts, and the last side-by-side result. {@code history} guards itself and
 * {@code lastCompare}; {@link #tick()} runs on the lab's ticker thread, {@link #toJson} on request
 * threads.
 */
final class Dashboard {

    private static final Logger LOG = Logger.getLogger(Dashboard.class.getName());
    static final int HISTORY_POINTS = 120;

    private final EchoRuntime echo;
    private final Lane echoLane;
    private final Lane libertyLane;
    private final Deque<Map<String, Object>> history = new ArrayDeque<>();
    private Map<String, Object> lastCompare;

    Dashboard(EchoRuntime echo, Lane echoLane, Lane libertyLane) {
        this.echo = echo;
        this.echoLane = echoLane;
        this.libertyLane = libertyLane;
    }

    /** Once a second: roll the lanes' windows and add a history point. */
    void tick() {
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

    void compareFinished(SideBySide run) {
        synchronized (history) {
            lastCompare = run.toJson();
        }
    }

    /** Everything the page shows, in one JSON object. */
    Map<String, Object> toJson(Collection<Operation> operations) {
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
