/**
 * What a Jakarta EE application touches: the annotations {@link dev.echo.cdi.EchoPriority}
 * (qualifier and task priority), {@link dev.echo.cdi.EchoAsync}, {@link dev.echo.cdi.EchoAction}
 * and {@link dev.echo.cdi.EchoHook}; the injectable {@link dev.echo.cdi.EchoRuntime} (metrics and
 * health in-process); and {@link dev.echo.cdi.EchoExtension}, the CDI portable extension that
 * adding the jar registers. Applications inject the standard
 * {@code ManagedExecutorService}/{@code ManagedScheduledExecutorService}; the classes behind them
 * live in the internal subpackages.
 *
 * <p><b>API.</b> <b>Depends on:</b> the annotations on {@code dev.echo.task} only; the extension
 * and {@code EchoRuntime} on every subpackage (they wire them together). The subpackages use
 * nothing of this package but its annotations (an architecture test enforces the layers).
 * Read first: {@code EchoExtension}.
 */
package dev.echo.cdi;
