/**
 * What the server declares per action function in MicroProfile Config
 * ({@code echo.actions.function.<name>.*}): {@code max-starts}, {@code cache-for}, {@code timeout}
 * and the adaptive timeout's keys, read and checked into {@code FunctionSettings} (a bad value names
 * its key). Internal.
 *
 * <p><b>Depends on:</b> {@code dev.echo.action.limit}, {@code dev.echo.cdi.config}. Read first:
 * {@code FunctionSettings}.
 */
package dev.echo.cdi.action.function;
