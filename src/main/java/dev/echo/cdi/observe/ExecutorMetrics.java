package dev.echo.cdi.observe;

import dev.echo.cdi.config.OptionalApi;
import dev.echo.metrics.TaskObserver;
import dev.echo.scheduler.Scheduler;

import java.util.concurrent.ThreadFactory;

/**
 * Where Echo's executor metrics go. The MicroProfile Metrics glue is optional: this type names
 * no MicroProfile class and loads {@link MicroProfileExecutorMetrics} through {@link OptionalApi},
 * so Echo deploys on a server without {@code mpMetrics}.
 */
public interface ExecutorMetrics {

    /** No metrics feature: nothing is exported (the scheduler keeps its own counters). */
    ExecutorMetrics NONE = new ExecutorMetrics() {
        @Override
        public TaskObserver observer() {
            return null;
        }

        @Override
        public void start(Scheduler scheduler, ThreadFactory threads, LongRunningCounts longRunning) {
        }

        @Override
        public void stop() {
        }
    };

    /** Per-task wait/run times for timers, or null when nothing needs them. */
    TaskObserver observer();

    /**
     * Registers the gauges and starts keeping the counters in step with {@code scheduler} and
     * the long-running tasks (which run outside it).
     */
    void start(Scheduler scheduler, ThreadFactory threads, LongRunningCounts longRunning);

    /** Brings the counters up to date one last time and stops the updates. */
    void stop();

    /** The application's MicroProfile Metrics registry if the container gives one, else {@link #NONE}. */
    static ExecutorMetrics lookup() {
        return OptionalApi.load(OptionalApi.MP_METRICS, () -> MicroProfileExecutorMetrics.lookup(), NONE,
                "executor metrics stay in-process");
    }
}
