package dev.echo.action;

/**
 * A named function of a {@link Plan}: takes an action's content (a JSON-like value: a
 * {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean} or {@code null})
 * and returns a result, or a {@code CompletionStage} of one.
 */
@FunctionalInterface
public interface ActionFunction {
    Object apply(Object content) throws Exception;
}
