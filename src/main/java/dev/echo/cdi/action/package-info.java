/**
 * Actions in a Jakarta EE application: the {@code @EchoAction}/{@code @EchoHook} methods found by
 * the extension ({@link dev.echo.cdi.action.ActionMethods}), the application's action system on
 * its Echo scheduler ({@link dev.echo.cdi.action.EchoActions}), the strict JSON format
 * ({@link dev.echo.cdi.action.ActionJson}), the REST resource
 * ({@link dev.echo.cdi.action.ActionsResource}) and the action metrics glue.
 *
 * <p><b>Internal.</b> Applications annotate methods and call the REST surface. <b>Depends
 * on:</b> {@code dev.echo.action}, the executor's {@code ApplicationScheduler#scheduler()},
 * {@code dev.echo.cdi.config}, {@code dev.echo.cdi.observe} (for the metrics registry) and the
 * root package's annotations. Read first: {@code EchoActions}.
 */
package dev.echo.cdi.action;
