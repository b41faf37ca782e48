package dev.echo.cdi;

import dev.echo.cdi.executor.ApplicationScheduler;
import dev.echo.cdi.observe.ExecutorHealth;
import dev.echo.cdi.observe.TaskTracing;
import dev.echo.metrics.SchedulerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The application's window on its Echo executor, for code that wants figures in-process:
 * {@code @Inject EchoRuntime echo; echo.metrics()}. The executor itself (one scheduler per
 * application, started with it and stopped with it) is
 * {@link dev.echo.cdi.executor.ApplicationScheduler}, an internal class; this bean only reads.
 */
@ApplicationScoped
public class EchoRuntime {

    @Inject
    ApplicationScheduler scheduler;

    /**
     * A snapshot of the application's Echo executor: counters, queue depth per priority,
     * workers, wait and run times (see {@link SchedulerMetrics}). For dashboards; the same
     * figures go to MicroProfile Metrics when the application has it.
     *
     * @throws java.util.concurrent.RejectedExecutionException after the application stopped
     */
    public SchedulerMetrics metrics() {
        return scheduler.metrics();
    }

    /**
     * Readiness and liveness as the MicroProfile Health checks report them (also without
     * {@code mpHealth}): not ready while stopping or at the queue's capacity, not live when a
     * worker thread died. Never blocks, not even during the application's stop.
     */
    public ExecutorHealth health() {
        return scheduler.health();
    }

    /** Which tracing glue the application got ({@link TaskTracing#NONE} without telemetry). */
    TaskTracing tracing() {
        return scheduler.tracing();
    }
}
