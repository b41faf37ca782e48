package dev.echo.cdi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method a named action hook: {@code void hook(dev.echo.action.Action action,
 * Object result)}; before-hooks get a {@code null} result. Actions name their hooks in
 * {@code metadata.hooks.before/after}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface EchoHook {
    String value();
}
