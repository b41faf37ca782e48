package dev.echo.action;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class RetryPolicyTest {

    private static final RetryPolicy POLICY = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000), 2.0,
            Duration.ZERO);

    @Test
    void delaysGrowExponentiallyAndAreCapped() {
        assertEquals(Duration.ofMillis(100), POLICY.delayAfter(1, () -> 0));
        assertEquals(Duration.ofMillis(200), POLICY.delayAfter(2, () -> 0));
        assertEquals(Duration.ofMillis(400), POLICY.delayAfter(3, () -> 0));
        assertEquals(Duration.ofMillis(800), POLICY.delayAfter(4, () -> 0));
        assertEquals(Duration.ofMillis(1000), POLICY.delayAfter(5, () -> 0));
        assertEquals(Duration.ofMillis(1000), POLICY.delayAfter(60, () -> 0), "no overflow for many attempts");
    }

    @Test
    void jitterIsInMillisecondsAndBounded() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(100), 1.0, Duration.ofMillis(50));
        assertEquals(Duration.ofMillis(100), p.delayAfter(1, () -> 0));
        assertEquals(Duration.ofMillis(150), p.delayAfter(1, () -> 50));
        assertEquals(Duration.ofMillis(100), p.delayAfter(1, () -> 51));
        for (long r = -1000; r < 1000; r += 7) {
            long random = r * 987_654_321L; // negative, positive and large values
            long d = p.delayAfter(2, () -> random).toMillis();
            assertTrue(d >= 100 && d <= 150, "delay " + d + " for random " + random);
        }
    }

    @Test
    void attemptsAreCounted() {
        assertTrue(POLICY.allowsRetryAfter(4));
        assertFalse(POLICY.allowsRetryAfter(5));
        assertFalse(RetryPolicy.NONE.allowsRetryAfter(1));
    }

    @Test
    void badSettingsAreRejectedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1, Duration.ZERO))
                .getMessage().contains("retry.maxAttempts"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, Duration.ZERO))
                .getMessage().contains("retry.maxDelay"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 0.5, Duration.ZERO))
                .getMessage().contains("retry.multiplier"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Double.NaN, Duration.ZERO))
                .getMessage().contains("retry.multiplier"));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ofMillis(-1), Duration.ZERO, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> POLICY.delayAfter(0, () -> 0));
    }
}
