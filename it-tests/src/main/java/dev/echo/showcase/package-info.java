/**
 * The showcase application (the README's main command runs it in Open Liberty): its JAX-RS
 * application, the executors it compares ({@link dev.echo.showcase.ComparedExecutors}: Echo's
 * views and Liberty's default), the lab and benchmark endpoints, and a status endpoint.
 *
 * <p>An application like any user's: it uses only Echo's public API (the {@code dev.echo.cdi}
 * annotations and {@code EchoRuntime}, {@code Priority}, {@code SchedulerMetrics}). Nothing in
 * Echo depends on it. Read first: {@code LabResource}.
 */
package dev.echo.showcase;
