package dev.echo.cdi.observe;

import dev.echo.metrics.SchedulerMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Echo's health, as MicroProfile Health reports it (see {@link EchoHealthChecks}), computed
 * without any MicroProfile type so it can be checked anywhere.
 *
 * <ul>
 *   <li>Ready unless the executor is stopping (or stopped) or its queue is at capacity: a
 *       load balancer should stop sending work that would be rejected.</li>
 *   <li>Live unless a worker thread has died: its queued tasks are stranded until stolen, and
 *       only a restart brings the worker back.</li>
 * </ul>
 *
 * @param ready    readiness
 * @param live     liveness
 * @param problems why a check is DOWN, one sentence each (empty when both are UP)
 * @param data     figures shown with both checks
 */
public record ExecutorHealth(boolean ready, boolean live, List<String> problems, Map<String, Object> data) {

    public ExecutorHealth {
        problems = List.copyOf(problems);
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** @param application the application's name, shown in the data (one check per application on a server), or null */
    public static ExecutorHealth of(String application, boolean stopping, SchedulerMetrics m, int queueCapacity) {
        List<String> problems = new ArrayList<>();
        boolean full = queueCapacity != Integer.MAX_VALUE && m.totalQueued() + m.delayed() >= queueCapacity;
        if (stopping) {
            problems.add("the executor is stopping with its application");
        }
        if (full) {
            problems.add("the queue is at its capacity of " + queueCapacity + " tasks: new tasks are rejected");
        }
        if (m.deadWorkers() > 0) {
            problems.add(m.deadWorkers() + " of " + m.workers() + " worker threads died");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (application != null) {
            data.put("application", application);
        }
        data.put("workers", m.workers());
        data.put("activeWorkers", m.activeWorkers());
        data.put("parkedWorkers", m.parkedWorkers());
        data.put("deadWorkers", m.deadWorkers());
        data.put("queued", m.totalQueued());
        data.put("queueCapacity", queueCapacity == Integer.MAX_VALUE ? "unbounded" : Integer.toString(queueCapacity));
        if (!problems.isEmpty()) {
            data.put("problems", String.join("; ", problems));
        }
        return new ExecutorHealth(!stopping && !full, m.deadWorkers() == 0, problems, data);
    }

    /** For a runtime that is not running at all (stopped before or never started). */
    public static ExecutorHealth stopped() {
        return new ExecutorHealth(false, true, List.of("the executor is not running"),
                Map.of("problems", "the executor is not running"));
    }
}
