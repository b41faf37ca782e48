/**
 * The Action system's Java SE part: a {@link dev.echo.action.Plan} of named functions, the
 * {@link dev.echo.action.Action} record, {@link dev.echo.action.Sequence} which runs actions on a
 * scheduler with hooks, retries ({@link dev.echo.action.RetryPolicy}), timeouts and chained
 * actions, the {@link dev.echo.action.ActionRun} state of each run, and the
 * {@link dev.echo.action.ActionQueue} submissions pass through.
 *
 * <p><b>API</b> (usable without a container). <b>Depends on:</b> {@code dev.echo.scheduler},
 * {@code dev.echo.task} and the JDK; never on {@code jakarta.*} or MicroProfile. Read first:
 * {@code Sequence}.
 */
package dev.echo.action;
