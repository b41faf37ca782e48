/**
 * The result cache of idempotent action functions ({@code cache-for}): canonical JSON of a
 * content ({@code CanonicalJson}: key order and number spelling do not matter) and a store bounded
 * by bytes, oldest first, keyed by function, caller and content ({@code ResultCache}).
 *
 * <p><b>API</b> for the EE layer's {@code EchoActions} and for {@link dev.echo.action.Sequence#submitCached}.
 * <b>Depends on:</b> the JDK only. Read first: {@code ResultCache}.
 */
package dev.echo.action.cache;
