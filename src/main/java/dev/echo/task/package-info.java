/**
 * What runs on Echo: {@link dev.echo.task.Priority} (HIGH, NORMAL, LOW), and the task itself,
 * which is its own {@code CompletableFuture} ({@link dev.echo.task.Task}, with the interrupt-safe
 * run/cancel hand-shake; {@link dev.echo.task.AsyncTask} for work that waits for a stage).
 *
 * <p><b>API:</b> {@code Priority}; the futures the scheduler returns are {@code Task}s, used
 * through {@code CompletableFuture}. {@code Task}, {@code AsyncTask}, {@code TaskFuture} and
 * {@code Outcome} are public for {@code dev.echo.scheduler} and the EE layer, not for
 * applications. <b>Depends on:</b> the JDK only; never on the scheduler or the EE layer.
 * Read first: {@code Task}.
 */
package dev.echo.task;
