package dev.echo.cdi.action;

import dev.echo.cdi.EchoAction;
import jakarta.enterprise.context.ApplicationScoped;

/** Actions whose results or failures the REST resource must describe. */
@ApplicationScoped
public class ResultActions {

    @EchoAction("fails")
    public String fails() {
        throw new IllegalStateException("boom");
    }

    @EchoAction("not-a-number")
    public double notANumber() {
        return Double.NaN;
    }

    @EchoAction("infinite")
    public double infinite() {
        return Double.NEGATIVE_INFINITY;
    }

    @EchoAction("echo")
    public Object echo(Object content) {
        return content;
    }
}
