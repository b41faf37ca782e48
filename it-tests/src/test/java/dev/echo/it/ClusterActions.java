package dev.echo.it;

import dev.echo.cdi.EchoAction;
import dev.echo.cdi.action.ActionCaller;
import dev.echo.cdi.action.CurrentRun;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Action functions of the two-server tests (MessagingClusterIT): each says where and when it started. */
@ApplicationScoped
@RolesAllowed("orders")
public class ClusterActions {

    /** What the EJB container sees of the run's caller (the identity the run executes with). */
    @jakarta.ejb.EJB
    ItCallerBean ejb;

    /** This server's gate for {@code cluster.held} (open unless a test closed it). */
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static final AtomicInteger HELD = new AtomicInteger();

    static void closeGate() {
        gate = new CountDownLatch(1);
    }

    static void openGate() {
        gate.countDown();
    }

    static int held() {
        return HELD.get();
    }

    /**
     * Sleeps {@code ms} (0 by default) and returns the server it ran on, when it started
     * (epoch milliseconds: both servers share this machine's clock), who submitted it, and what
     * the function saw of its run.
     */
    @EchoAction("cluster.work")
    public Map<String, Object> work(Map<String, Object> input, CurrentRun run) throws InterruptedException {
        long started = System.currentTimeMillis();
        Object ms = input == null ? null : input.get("ms");
        if (ms instanceof Number n && n.longValue() > 0) {
            Thread.sleep(n.longValue());
        }
        String ordersOnly;
        try {
            ordersOnly = ejb.ordersOnly();
        } catch (jakarta.ejb.EJBAccessException e) {
            ordersOnly = "refused";
        }
        return Map.of("server", System.getProperty("wlp.server.name", "?"), "startedAt", started,
                "caller", ActionCaller.name().orElse(""), "runId", run.runId(), "attempt", run.attempt(),
                "queue", run.queue(), "submitter", run.submitter().orElse(""), "ejbCaller", ejb.caller(),
                "ejbOrdersOnly", ordersOnly);
    }

    /** Waits at this server's gate (at most two minutes), then works like {@code cluster.work}. */
    @EchoAction("cluster.held")
    public Map<String, Object> held(Map<String, Object> input, CurrentRun run) throws InterruptedException {
        long started = System.currentTimeMillis();
        HELD.incrementAndGet();
        try {
            gate.await(2, TimeUnit.MINUTES);
        } finally {
            HELD.decrementAndGet();
        }
        return work(input, run).entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                e -> e.getKey().equals("startedAt") ? (Object) started : e.getValue()));
    }

    /**
     * Sleeps {@code ms} interruptibly, then appends one line (this server's name) to the file
     * {@code file}: a side effect counted across servers, not a state.
     */
    @EchoAction("cluster.effect")
    public String effect(Map<String, Object> input) throws Exception {
        // a long piece of work that a stop may interrupt (nothing ever opens this latch)
        new CountDownLatch(1).await(((Number) input.get("ms")).longValue(), TimeUnit.MILLISECONDS);
        String server = System.getProperty("wlp.server.name", "?");
        Files.writeString(Path.of((String) input.get("file")), server + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return server;
    }

    private static final AtomicInteger BREAKER_CALLS = new AtomicInteger();

    /** Fails every time; after 4 failed calls its MicroProfile Fault Tolerance circuit opens for a minute. */
    @EchoAction("cluster.breaker")
    @org.eclipse.microprofile.faulttolerance.CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 60,
            delayUnit = java.time.temporal.ChronoUnit.SECONDS)
    public String breaker(Object ignored) {
        BREAKER_CALLS.incrementAndGet();
        throw new IllegalStateException("the breaker's body fails");
    }

    /** A new quote on every invocation (cached for an hour by MessagingClusterIT's deployment). */
    @EchoAction("cluster.quote")
    public String quote(Object content) {
        return "quote " + java.util.UUID.randomUUID() + " from " + System.getProperty("wlp.server.name", "?");
    }

    @EchoAction("cluster.breaker-calls")
    public int breakerCalls(Object ignored) {
        return BREAKER_CALLS.get();
    }
}
