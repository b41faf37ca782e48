package dev.echo.cdi;

import dev.echo.testing.Blocker;
import jakarta.enterprise.context.ApplicationScoped;

/** An action that holds its worker until the test releases it: a run that is certainly still live. */
@ApplicationScoped
public class GatedActionBean {

    private final Blocker gate = new Blocker();

    public Blocker gate() {
        return gate;
    }

    @EchoAction("gated")
    public String gated(String name) {
        gate.run();
        return "gated " + name;
    }
}
