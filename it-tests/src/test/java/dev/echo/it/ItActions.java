package dev.echo.it;

import dev.echo.testing.Blocking;
import dev.echo.cdi.EchoAction;
import dev.echo.cdi.EchoHook;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Action functions used by ActionsIT (deployed only with it). */
@ApplicationScoped
@RolesAllowed("orders") // every action here unless a method says otherwise
public class ItActions {

    /** Runs of "guarded", "admin-audit" and the undeclared action: what a refused request must not bump. */
    static final AtomicInteger guardedRuns = new AtomicInteger();

    @EchoAction("guarded")
    public String guarded(Object ignored) {
        guardedRuns.incrementAndGet();
        return "guarded";
    }

    @PermitAll
    @EchoAction("guarded-count")
    public int guardedCount(Object ignored) {
        return guardedRuns.get();
    }

    @RolesAllowed("admin") // nobody in the test realm has it
    @EchoHook("admin-audit")
    public void adminAudit(dev.echo.action.Action action, Object result) {
        guardedRuns.incrementAndGet();
    }

    static final AtomicInteger flakyCalls = new AtomicInteger();
    static final AtomicBoolean slowInterrupted = new AtomicBoolean();

    @EchoAction("reserve")
    public Map<String, Object> reserve(Map<String, Object> order) {
        return Map.of("reserved", order.get("sku"), "qty", order.get("qty"));
    }

    @EchoAction("parse")
    public long parse(String text) {
        return Long.parseLong(text);
    }

    @EchoAction("double")
    public long twice(Long n) {
        return n * 2;
    }

    @PermitAll // bob runs it too
    @EchoAction("describe")
    public String describe(Long n) {
        return "result=" + n;
    }

    @EchoAction("flaky")
    public String flaky(Object ignored) {
        int n = flakyCalls.incrementAndGet();
        if (n < 3) {
            throw new IllegalStateException("attempt " + n + " fails");
        }
        return "ok on attempt " + n;
    }

    @EchoAction("slow")
    public String slow(Object ignored) throws InterruptedException {
        try {
            Blocking.untilInterrupted();
        } catch (InterruptedException e) {
            slowInterrupted.set(true);
            throw e;
        }
        return "late";
    }

    @EchoAction("was-interrupted")
    public boolean wasInterrupted(Object ignored) {
        return slowInterrupted.get();
    }

    /** A typed parameter, bound from the JSON content with JSON-B. */
    public record Order(String sku, long qty, long price) {
    }

    @EchoAction("order-total")
    public long orderTotal(Order order) {
        return order.qty() * order.price();
    }

    @EchoAction("now")
    public long now(Object ignored) {
        return System.currentTimeMillis();
    }
}
