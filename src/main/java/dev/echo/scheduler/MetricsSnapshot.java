package dev.echo.scheduler;

import dev.echo.metrics.LatencyHistogram;
import dev.echo.metrics.LatencySummary;
import dev.echo.metrics.PriorityCounts;
import dev.echo.metrics.SchedulerMetrics;
import dev.echo.metrics.SharedStats;
import dev.echo.metrics.WorkerStats;
import dev.echo.task.Priority;

import java.util.EnumMap;
import java.util.Map;

/**
 * Builds a {@link SchedulerMetrics} snapshot by summing the workers' single-writer counters and
 * histograms with the submitters' shared counters. Reads only: it takes no lock and never
 * slows a worker down; a snapshot taken while tasks run may be a few tasks behind on some
 * counters (each counter is read once, not all at one instant).
 */
final class MetricsSnapshot {

    private MetricsSnapshot() {
    }

    /**
     * @param parked   workers parked now
     * @param delayed  delayed tasks not yet due
     * @param awaiting async tasks waiting for their stage
     * @param running  whether the scheduler still runs (a worker that ended before a stop is dead)
     */
    static SchedulerMetrics take(Worker[] workers, SharedStats shared, java.util.function.IntToLongFunction acceptedOutside, int parked, int delayed, int awaiting, boolean running,
                                 Spares spares) {
        int levels = Priority.count();
        long steals = 0, parks = 0, unparks = 0;
        long[] accepted = new long[levels];
        long[] dequeued = new long[levels], completed = new long[levels], failed = new long[levels], cancelled = new long[levels];
        LatencyHistogram.Accumulator[] waits = new LatencyHistogram.Accumulator[levels];
        LatencyHistogram.Accumulator[] runs = new LatencyHistogram.Accumulator[levels];
        for (int l = 0; l < levels; l++) {
            accepted[l] = acceptedOutside.applyAsLong(l);
            waits[l] = new LatencyHistogram.Accumulator();
            runs[l] = new LatencyHistogram.Accumulator();
            cancelled[l] = shared.cancelled(l);
        }
        completed[Priority.HIGH.level()] += shared.completedOffWorkerCount(); // timer tasks are HIGH
        failed[Priority.HIGH.level()] += shared.failedOffWorkerCount();
        int dead = 0;
        java.util.List<Worker> all = new java.util.ArrayList<>(java.util.Arrays.asList(workers));
        if (spares != null) {
            all.addAll(spares.everyUsedSlot()); // a retired spare's counts stay in its slot
        }
        for (Worker w : all) {
            WorkerStats s = w.stats;
            steals += s.get(WorkerStats.STEALS);
            parks += s.get(WorkerStats.PARKS);
            unparks += s.get(WorkerStats.UNPARKS);
            for (int l = 0; l < levels; l++) {
                dequeued[l] += s.dequeued(l);
                accepted[l] += s.acceptedReady(l);
                completed[l] += s.completed(l);
                failed[l] += s.failed(l);
                cancelled[l] += s.cancelled(l);
                s.waitHistogram(l).addTo(waits[l]);
                s.runHistogram(l).addTo(runs[l]);
            }
            if (running && !w.spare && !w.isAlive()) {
                dead++;
            }
        }
        Map<Priority, Long> depth = new EnumMap<>(Priority.class);
        Map<Priority, LatencySummary> wait = new EnumMap<>(Priority.class);
        Map<Priority, LatencySummary> run = new EnumMap<>(Priority.class);
        Map<Priority, PriorityCounts> counts = new EnumMap<>(Priority.class);
        long totalCompleted = 0, totalFailed = 0, totalCancelled = 0, submitted = 0;
        for (Priority p : Priority.values()) {
            int l = p.level();
            depth.put(p, Math.max(0, shared.enqueued(l) + accepted[l] - dequeued[l] - shared.drained(l)));
            wait.put(p, waits[l].toSummary());
            run.put(p, runs[l].toSummary());
            submitted += shared.submitted(l) + accepted[l];
            counts.put(p, new PriorityCounts(shared.submitted(l) + accepted[l], completed[l], failed[l], cancelled[l], shared.rejected(l)));
            totalCompleted += completed[l];
            totalFailed += failed[l];
            totalCancelled += cancelled[l];
        }
        return new SchedulerMetrics(submitted, totalCompleted, totalFailed, totalCancelled, shared.rejectedCount(),
                shared.returnedCount(), steals, parks, unparks, workers.length, parked, dead, depth,
                delayed, awaiting, wait, run, counts,
                spares == null ? 0 : spares.running(), spares == null ? 0 : spares.started());
    }
}
