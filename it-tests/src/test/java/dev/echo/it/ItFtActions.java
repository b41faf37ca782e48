package dev.echo.it;

import dev.echo.cdi.EchoAction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Action functions with MicroProfile Fault Tolerance annotations (ActionsIT): Echo calls them
 * through the bean; and one under a server-declared rate limit.
 */
@ApplicationScoped
@RolesAllowed("orders")
public class ItFtActions {

    static final AtomicInteger breakerCalls = new AtomicInteger();
    static final AtomicInteger retryCalls = new AtomicInteger();

    /** Fails every time; after 4 calls (all failed) the circuit opens for a minute. */
    @EchoAction("ft-breaker")
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 60, delayUnit = ChronoUnit.SECONDS)
    public String breaker(Object ignored) {
        breakerCalls.incrementAndGet();
        throw new IllegalStateException("the breaker's body fails");
    }

    @EchoAction("ft-breaker-calls")
    public int breakerCallCount(Object ignored) {
        return breakerCalls.get();
    }

    /** Fails twice, then succeeds: FT's retries happen inside one Echo attempt. */
    @EchoAction("ft-retry")
    @Retry(maxRetries = 2, delay = 0, jitter = 0)
    public String retried(Object ignored) {
        int n = retryCalls.incrementAndGet();
        if (n < 3) {
            throw new IllegalStateException("call " + n + " fails");
        }
        return "ok on call " + n;
    }

    @EchoAction("ft-fallback")
    @Fallback(fallbackMethod = "fallback")
    public String fallsBack(Object ignored) {
        throw new IllegalStateException("always");
    }

    public String fallback(Object ignored) {
        return "from the fallback";
    }

    /** FT's timeout interrupts the call on Echo's worker after 300 ms. */
    @EchoAction("ft-timeout")
    @Timeout(value = 300)
    public String timesOut(Object ignored) throws InterruptedException {
        Thread.sleep(60_000);
        return "late";
    }

    /** Under an adaptive server timeout (ActionsIT's deployment): "slow" waits a minute unless interrupted, anything else 10 ms. */
    @EchoAction("adaptive")
    public String adaptive(Object content) throws InterruptedException {
        Thread.sleep("slow".equals(content) ? 60_000 : 10);
        return "in time";
    }

    static final AtomicInteger quotes = new AtomicInteger();

    /** A new quote on every invocation (cached for an hour by ActionsIT's deployment); any caller may ask. */
    @EchoAction("cached-quote")
    @jakarta.annotation.security.PermitAll
    public String cachedQuote(Object content) {
        quotes.incrementAndGet();
        return "quote " + java.util.UUID.randomUUID();
    }

    @EchoAction("cached-quote-calls")
    @jakarta.annotation.security.PermitAll
    public int cachedQuoteCalls(Object ignored) {
        return quotes.get();
    }

    static final AtomicInteger limitedCalls = new AtomicInteger();

    /** Limited by the deployment's echo.actions.function.rate-limited.rate-limit (2/PT10S). */
    @EchoAction("rate-limited")
    @jakarta.annotation.security.PermitAll // bob too: the limit is per caller
    public int rateLimited(Object ignored) {
        return limitedCalls.incrementAndGet();
    }

    @EchoAction("rate-limited-calls")
    public int rateLimitedCalls(Object ignored) {
        return limitedCalls.get();
    }
}
