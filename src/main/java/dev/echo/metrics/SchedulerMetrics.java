package dev.echo.metrics;

import dev.echo.task.Priority;

import java.util.Map;

/**
 * A snapshot of a scheduler's counters. Counters are read without stopping the scheduler, so
 * while tasks run the figures are individually accurate but not taken at one instant, and a
 * task's own counters are updated just after its future completes (a snapshot taken right after
 * {@code future.get()} may not count that task yet). Once the
 * scheduler has terminated, {@code submitted == completed + failed + cancelled + returned}.
 *
 * @param submitted      tasks accepted (immediate, delayed and async)
 * @param completed      tasks whose future completed with the body's value
 * @param failed         tasks whose body threw
 * @param cancelled      tasks whose future was completed by someone else (normally cancel)
 * @param rejected       submissions refused (shutdown or queue full)
 * @param returned       accepted tasks handed back unstarted by shutdownNow or stop(Duration)
 * @param steals         successful steal operations (each moves a batch)
 * @param parks          times a worker parked for lack of work
 * @param unparks        times a parked worker was woken to look for work
 * @param workers        configured workers
 * @param parkedWorkers  workers parked now
 * @param deadWorkers    worker threads that ended while the scheduler was running (a worker
 *                       survives failing tasks, so this is non-zero only if the thread factory's
 *                       thread ended on its own: the tasks in its local queue wait for a steal)
 * @param queueDepth     tasks queued and ready to start, per priority
 * @param delayed        delayed tasks whose time has not come yet
 * @param awaiting       async tasks waiting for their stage (holding no worker)
 * @param waitTime       queue-to-start time per priority, of the timed tasks: every task while
 *                       its queue takes fewer than 16 per millisecond, a sample of at least 16
 *                       per millisecond per queue under a flood (see {@link TaskObserver})
 * @param runTime        body run time per priority, of the same timed tasks
 * @param byPriority     submitted / completed / failed / cancelled / rejected per priority
 * @param spareWorkers   spare workers running now (compensation for blocked workers; not in {@code workers}),
 *                       and the urgent thread once it was made (it takes a unit of the same budget)
 * @param sparesStarted  spare workers started since the scheduler started (not the urgent thread)
 */
public record SchedulerMetrics(
        long submitted,
        long completed,
        long failed,
        long cancelled,
        long rejected,
        long returned,
        long steals,
        long parks,
        long unparks,
        int workers,
        int parkedWorkers,
        int deadWorkers,
        Map<Priority, Long> queueDepth,
        long delayed,
        long awaiting,
        Map<Priority, LatencySummary> waitTime,
        Map<Priority, LatencySummary> runTime,
        Map<Priority, PriorityCounts> byPriority,
        int spareWorkers,
        long sparesStarted) {

    public SchedulerMetrics {
        byPriority = Map.copyOf(byPriority);
        queueDepth = Map.copyOf(queueDepth);
        waitTime = Map.copyOf(waitTime);
        runTime = Map.copyOf(runTime);
    }

    /** Accepted tasks that have reached an end: completed, failed, cancelled or returned. */
    public long finished() {
        return completed + failed + cancelled + returned;
    }

    /** Workers running a task or looking for one (not parked, not dead). */
    public int activeWorkers() {
        return Math.max(0, workers - parkedWorkers - deadWorkers);
    }

    /** Total ready-to-start tasks over all priorities. */
    public long totalQueued() {
        return queueDepth.values().stream().mapToLong(Long::longValue).sum();
    }
}
