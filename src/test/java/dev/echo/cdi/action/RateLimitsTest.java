package dev.echo.cdi.action;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Per-caller rate limits at acceptance (GCRA): exact counts on a clock the test moves. */
class RateLimitsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimits limits(String function, String value) {
        return new RateLimits(Map.of(function, RateLimits.parse("k", value)), now::get);
    }

    @Test
    void countAtOnceThenTheNextIsRefusedWithTheWaitUntilOneMoreFits() {
        RateLimits r = limits("f", "3/PT6S");
        for (int i = 0; i < 3; i++) {
            r.acquire("f", "alice");
        }
        ActionRateLimitedException e = assertThrows(ActionRateLimitedException.class, () -> r.acquire("f", "alice"));
        assertEquals("f", e.action());
        assertEquals("3/PT6S", e.limit());
        assertEquals(Duration.ofSeconds(2), e.retryAfter(), "one interval (6 s / 3) until one more fits");
        assertEquals(2, e.retryAfterSeconds());
        assertTrue(e.getMessage().contains("action 'f' is limited to 3/PT6S per caller"), e.getMessage());
        // a refusal changes nothing: still refused a moment later, accepted once the interval passed
        now.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThrows(ActionRateLimitedException.class, () -> r.acquire("f", "alice"));
        now.addAndGet(Duration.ofMillis(1).toNanos());
        r.acquire("f", "alice");
        assertThrows(ActionRateLimitedException.class, () -> r.acquire("f", "alice"));
    }

    @Test
    void callersAndFunctionsAreSeparateAndAQuietWindowRefillsTheBurst() {
        RateLimits r = new RateLimits(Map.of("f", RateLimits.parse("k", "2/PT10S"), "g", RateLimits.parse("k", "1/PT10S")), now::get);
        r.acquire("f", "alice");
        r.acquire("f", "alice");
        assertThrows(ActionRateLimitedException.class, () -> r.acquire("f", "alice"));
        r.acquire("f", "bob");
        r.acquire("g", "alice");
        r.acquire("unlimited", "alice");
        r.acquire("unlimited", "alice");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        r.acquire("f", "alice");
        r.acquire("f", "alice");
        assertThrows(ActionRateLimitedException.class, () -> r.acquire("f", "alice"));
    }

    @Test
    void aSubmissionRefusedLaterGivesItsPlaceBack() {
        RateLimits r = limits("f", "1/PT1H");
        Runnable giveBack = r.acquire("f", "alice");
        assertThrows(ActionRateLimitedException.class, () -> r.acquire("f", "alice"));
        giveBack.run();
        r.acquire("f", "alice");
    }

    @Test
    void concurrentSubmissionsNeverTakeMoreThanTheCount() throws Exception {
        RateLimits r = limits("f", "100/PT1H"); // the clock stands still: exactly 100 fit
        int threads = 8;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50; i++) {
                    try {
                        r.acquire("f", "alice");
                        accepted.incrementAndGet();
                    } catch (ActionRateLimitedException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) {
            t.join(10_000);
        }
        assertEquals(100, accepted.get());
        assertEquals(300, refused.get());
    }

    @Test
    void fullBucketsAreForgottenSoMemoryFollowsTheActiveCallers() {
        RateLimits r = limits("f", "5/PT1S");
        for (int i = 0; i < 1000; i++) {
            r.acquire("f", "caller-" + i);
        }
        now.addAndGet(Duration.ofSeconds(1).toNanos()); // every bucket is full again
        for (int i = 0; i < 1100; i++) {
            r.acquire("f", "other-" + i);
        }
        assertTrue(r.cellCount() <= 1100, "the first thousand callers' cells were dropped: " + r.cellCount());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        for (String bad : new String[] {"100", "x/PT1S", "100/1s", "0/PT1S", "-1/PT1S", "10/PT0S", "10/-PT1S", "10/P400D", "2000000000/PT1S"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimits.of(java.util.List.of("f"), k -> k.equals("echo.actions.function.f.rate-limit") ? Optional.of(bad) : Optional.empty()), bad);
            assertTrue(e.getMessage().startsWith("echo.actions.function.f.rate-limit"), e.getMessage());
        }
        RateLimits ok = RateLimits.of(java.util.List.of("f", "g"), k -> k.equals("echo.actions.function.f.rate-limit") ? Optional.of(" 100/PT1S ") : Optional.empty());
        assertEquals("100/PT1S", ok.limitOf("f").orElseThrow().text());
        assertTrue(ok.limitOf("g").isEmpty());
    }
}
