/**
 * Counters and latencies: the snapshot records applications read
 * ({@link dev.echo.metrics.SchedulerMetrics}, {@link dev.echo.metrics.PriorityCounts},
 * {@link dev.echo.metrics.LatencySummary}), the per-task hook
 * {@link dev.echo.metrics.TaskObserver}, and the single-writer counters behind them.
 *
 * <p><b>API:</b> {@code SchedulerMetrics}, {@code PriorityCounts}, {@code LatencySummary},
 * {@code TaskObserver}. <b>Internal</b> (public for {@code dev.echo.scheduler}):
 * {@code WorkerStats}, {@code SharedStats}, {@code LatencyHistogram}. <b>Depends on:</b> the JDK
 * and {@code dev.echo.task}; never on the scheduler or the EE layer. Read first:
 * {@code SchedulerMetrics}.
 */
package dev.echo.metrics;
