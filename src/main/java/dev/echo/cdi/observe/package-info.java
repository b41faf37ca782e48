/**
 * Observability glue, each part optional and loaded only when its API is present: MicroProfile
 * Metrics ({@link dev.echo.cdi.observe.MicroProfileExecutorMetrics} behind
 * {@link dev.echo.cdi.observe.ExecutorMetrics}), MicroProfile Health
 * ({@link dev.echo.cdi.observe.EchoHealthChecks}, deciding through
 * {@link dev.echo.cdi.observe.ExecutorHealth}) and OpenTelemetry
 * ({@link dev.echo.cdi.observe.OpenTelemetryTaskTracing} behind
 * {@link dev.echo.cdi.observe.TaskTracing}).
 *
 * <p><b>Internal</b>, except {@code ExecutorHealth}, which {@code EchoRuntime#health()}
 * returns. <b>Depends on:</b> the SE core ({@code Scheduler}, {@code SchedulerMetrics},
 * {@code TaskObserver}) and {@code dev.echo.cdi.config}; never on the executor views or the
 * action system (the health checks read the runtime through {@link
 * dev.echo.cdi.observe.HealthSource}, which the runtime implements). Read first:
 * {@code ExecutorMetrics}.
 */
package dev.echo.cdi.observe;
