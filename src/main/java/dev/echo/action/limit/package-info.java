/**
 * How fast a function's attempts may start on one server ({@code max-starts}): a token bucket
 * with a priority queue of the attempts that wait their turn, holding no worker.
 *
 * <p><b>API</b> for {@link dev.echo.action.Sequence#limitStarts}. <b>Depends on:</b> the JDK only.
 * Read first: {@code StartLimit}.
 */
package dev.echo.action.limit;
