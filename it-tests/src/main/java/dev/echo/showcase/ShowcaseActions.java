package dev.echo.showcase;

import dev.echo.cdi.EchoAction;
import jakarta.annotation.security.DenyAll;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * The showcase's one action: a small unit of work that says which server ran it. The dashboard
 * submits batches of it as the application (never over REST: the showcase does not open the
 * actions resource, and {@code @DenyAll} keeps it closed to callers even if it did).
 */
@ApplicationScoped
@DenyAll
public class ShowcaseActions {

    static final String NAME = "showcase.unit";

    @EchoAction(NAME)
    public Map<String, Object> unit(Map<String, Object> input) throws InterruptedException {
        Object ms = input == null ? null : input.get("ms");
        if (ms instanceof Number n && n.longValue() > 0) {
            Thread.sleep(Math.min(n.longValue(), 1000));
        }
        return Map.of("server", System.getProperty("wlp.server.name", "?"));
    }
}
