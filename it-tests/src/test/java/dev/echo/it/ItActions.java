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

    // ---------------------------------------------------------------- what a run sees of its submitter

    @jakarta.ejb.EJB
    ItCallerBean ejb;

    @jakarta.inject.Inject
    jakarta.security.enterprise.SecurityContext security;

    /**
     * The caller as three parts of the container see it — Jakarta Security, the EJB container and
     * java:comp — and whether the thread's class loader is the application's:
     * {@code security|ejb|greeting|loader}.
     */
    private String seen() {
        java.security.Principal p = security.getCallerPrincipal();
        String greeting;
        try {
            greeting = (String) new javax.naming.InitialContext().lookup("java:comp/env/echo/greeting");
        } catch (Exception e) {
            greeting = "no java:comp";
        }
        boolean appLoader;
        try {
            appLoader = Class.forName(ItActions.class.getName(), false, Thread.currentThread().getContextClassLoader())
                    == ItActions.class;
        } catch (ClassNotFoundException | RuntimeException e) {
            appLoader = false;
        }
        return (p == null ? "<none>" : p.getName()) + "|" + ejb.caller() + "|" + greeting + "|" + appLoader;
    }

    @PermitAll
    @EchoAction("whoami")
    public String whoami(Object ignored) {
        return seen();
    }

    /** Calls an EJB method only role orders may call: the EJB container decides, from the run's identity. */
    @PermitAll
    @EchoAction("orders-ejb")
    public String ordersEjb(Object ignored) {
        return ejb.ordersOnly();
    }

    private static final java.util.Map<String, AtomicInteger> FLAKY_WHOAMI = new java.util.concurrent.ConcurrentHashMap<>();

    /** Fails its first two attempts for each content, then answers like whoami. */
    @PermitAll
    @EchoAction("whoami-flaky")
    public String whoamiFlaky(String key) {
        int n = FLAKY_WHOAMI.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (n < 3) {
            throw new IllegalStateException("attempt " + n + " fails as " + seen());
        }
        return seen() + "|attempt " + n;
    }

    /** What the record-caller hook saw, per run id. */
    private static final java.util.Map<String, String> HOOK_SAW = new java.util.concurrent.ConcurrentHashMap<>();

    @PermitAll
    @EchoHook("record-caller")
    public void recordCaller(dev.echo.action.Action action, Object result) {
        HOOK_SAW.put(action.id() + (result == null ? ":before" : ":after"), seen());
    }

    @PermitAll
    @EchoAction("hook-saw")
    public String hookSaw(String key) {
        return HOOK_SAW.getOrDefault(key, "nothing");
    }
}
