package dev.echo.it;

import dev.echo.cdi.EchoAction;
import jakarta.enterprise.context.ApplicationScoped;

/** An action whose application declared no policy: never runnable over REST. */
@ApplicationScoped
public class ItUndeclaredActions {

    @EchoAction("undeclared")
    public String undeclared(Object ignored) {
        ItActions.guardedRuns.incrementAndGet();
        return "undeclared";
    }
}
