package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.cdi.EchoAction;
import dev.echo.cdi.EchoHook;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/** Actions and hooks under every kind of declared policy; each counts its runs (static: the test holds no proxy). */
@ApplicationScoped
@RolesAllowed("orders") // the class's policy: every method without its own
public class PolicyActions {

    static final AtomicInteger RUNS = new AtomicInteger();

    @EchoAction("orders-only")
    public String ordersOnly() {
        RUNS.incrementAndGet();
        return "orders";
    }

    @PermitAll // the method's annotation wins over the class's
    @EchoAction("open")
    public String open() {
        RUNS.incrementAndGet();
        return "open";
    }

    @RolesAllowed("admin")
    @EchoAction("admin-only")
    public String adminOnly() {
        RUNS.incrementAndGet();
        return "admin";
    }

    @DenyAll
    @EchoAction("closed")
    public String closed() {
        RUNS.incrementAndGet();
        return "closed";
    }

    @RolesAllowed("admin")
    @EchoHook("admin-audit")
    public void adminAudit(Action action, Object result) {
        RUNS.incrementAndGet();
    }

    @PermitAll
    @EchoHook("open-audit")
    public void openAudit(Action action, Object result) {
        RUNS.incrementAndGet();
    }
}
