package dev.echo.cdi.action;

import dev.echo.cdi.EchoAction;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;

/** Actions whose results or failures the REST resource must describe. */
@ApplicationScoped
@PermitAll // every caller may run these over REST
public class ResultActions {

    /** How many times "fails" was invoked (a test resets it). */
    static final java.util.concurrent.atomic.AtomicInteger FAILS = new java.util.concurrent.atomic.AtomicInteger();

    @EchoAction("fails")
    public String fails() {
        FAILS.incrementAndGet();
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

    /** Fails quoting its content, as a binding error does (JSON-B's message quotes the text it could not bind). */
    @EchoAction("quote")
    public Object quote(Object content) {
        throw new IllegalArgumentException("cannot bind '" + content + "'", new NumberFormatException("For input string: \"" + content + "\""));
    }

    /** What the Fault Tolerance interceptor throws when the method's circuit breaker is open. */
    @EchoAction("breaker-open")
    public String breakerOpen() {
        throw new org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException("dev.example.Secret#internal");
    }

    @EchoAction("echo")
    public Object echo(Object content) {
        return content;
    }
}
