package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.cdi.EchoAction;
import dev.echo.cdi.EchoHook;
import jakarta.enterprise.context.ApplicationScoped;

/** An action and a hook whose application declared no policy: callable from code, never over REST. */
@ApplicationScoped
public class UndeclaredActions {

    @EchoAction("undeclared")
    public String undeclared() {
        PolicyActions.RUNS.incrementAndGet();
        return "undeclared";
    }

    @EchoHook("undeclared-hook")
    public void undeclaredHook(Action action, Object result) {
        PolicyActions.RUNS.incrementAndGet();
    }
}
