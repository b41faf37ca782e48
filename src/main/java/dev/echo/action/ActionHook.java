package dev.echo.action;

/** A named hook run before an action's function, or after it succeeded (with its result). */
@FunctionalInterface
public interface ActionHook {
    void run(Action action, Object result) throws Exception;
}
