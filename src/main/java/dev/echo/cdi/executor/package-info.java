/**
 * The Jakarta Concurrency side of Echo: the application's one scheduler and its life cycle
 * ({@link dev.echo.cdi.executor.ApplicationScheduler}), the {@code ManagedScheduledExecutorService}
 * view ({@link dev.echo.cdi.executor.EchoManagedExecutor}) and its producers, managed futures
 * whose dependent stages run on Echo with context, delayed, periodic and trigger-driven tasks,
 * {@code ManagedTask} settings and listener events, long-running tasks, and the
 * {@code @EchoAsync} interceptor.
 *
 * <p><b>Internal.</b> Applications use the Jakarta interfaces and the root package's
 * annotations; classes are public here only where the extension, the action system or the
 * observability glue need them. <b>Depends on:</b> the SE core, {@code dev.echo.cdi.config},
 * {@code dev.echo.cdi.observe} (metrics and tracing glue, loaded only when present) and the
 * root package's annotations; never on {@code dev.echo.cdi.action}. Read first:
 * {@code ApplicationScheduler}, then {@code EchoManagedExecutor}.
 */
package dev.echo.cdi.executor;
