package dev.echo.cdi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method a function of the application's action {@link dev.echo.action.Plan},
 * under {@link #value()}. The method takes the action's content — as a plain value
 * ({@code Object}, {@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean}),
 * as {@code jakarta.json.JsonValue}, or as any type JSON-B can bind — and returns a value or a
 * {@code CompletionStage}. Two methods with one name fail the deployment, naming both.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface EchoAction {
    String value();
}
