package dev.echo.it;

import dev.echo.cdi.action.ActionCaller;
import dev.echo.cdi.EchoAction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/** Action functions of the two-server tests (MessagingClusterIT): each says where and when it started. */
@ApplicationScoped
@RolesAllowed("orders")
public class ClusterActions {

    /**
     * Sleeps {@code ms} (0 by default) and returns the server it ran on, when it started
     * (epoch milliseconds: both servers share this machine's clock) and who submitted it.
     */
    @EchoAction("cluster.work")
    public Map<String, Object> work(Map<String, Object> input) throws InterruptedException {
        long started = System.currentTimeMillis();
        Object ms = input == null ? null : input.get("ms");
        if (ms instanceof Number n && n.longValue() > 0) {
            Thread.sleep(n.longValue());
        }
        return Map.of("server", System.getProperty("wlp.server.name", "?"), "startedAt", started,
                "caller", ActionCaller.name().orElse(""));
    }
}
