package dev.echo.metrics;

import dev.echo.task.Priority;

/**
 * Hears the wait and run time of every <em>timed</em> task a worker runs, for exporters that need
 * each value (a MicroProfile Metrics timer, an OpenTelemetry histogram) rather than the scheduler's
 * own power-of-two summaries. Every task is timed while its queue (a submitting thread's
 * submission ring, or a worker's forks) queues fewer than 16 tasks per millisecond; under a flood,
 * the first 16 of each millisecond per queue are (a sample, chosen by queueing time, not by run
 * time). Called on the worker thread right after the task, so it must be quick and must not block;
 * what it throws is logged and ignored. Async resumptions and tasks found cancelled are not
 * reported.
 */
@FunctionalInterface
public interface TaskObserver {

    /**
     * @param priority  the task's priority
     * @param waitNanos from entering the ready queue to starting
     * @param runNanos  the body's run time
     */
    void ran(Priority priority, long waitNanos, long runNanos);
}
