package dev.echo.action.limit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class AttemptTimeoutTest {

    private static final long MS = 1_000_000L;

    @Test
    void untilATenthOfTheWindowIsKnownTheMaximumApplies() {
        AttemptTimeout t = AttemptTimeout.adaptive(3, 100, Duration.ofMillis(100), Duration.ofSeconds(30));
        for (int i = 0; i < 9; i++) {
            t.succeeded(10 * MS);
            assertEquals(Duration.ofSeconds(30), t.current(), "after " + (i + 1) + " samples");
        }
        t.succeeded(50 * MS);
        assertEquals(Duration.ofMillis(150), t.current(), "3 x p99 of ten samples (the largest, 50 ms)");
    }

    @Test
    void theValueIsMultiplierTimesP99OfTheLastWindowClampedToMinAndMax() {
        AttemptTimeout t = AttemptTimeout.adaptive(3, 100, Duration.ofMillis(100), Duration.ofSeconds(30));
        for (int i = 1; i <= 100; i++) {
            t.succeeded(i * MS); // 1..100 ms: p99 is 99 ms
        }
        assertEquals(Duration.ofMillis(297), t.current());
        for (int i = 0; i < 100; i++) {
            t.succeeded(10 * MS); // the window forgets the older ones
        }
        assertEquals(Duration.ofMillis(100), t.current(), "3 x 10 ms is below the minimum");
        for (int i = 0; i < 2; i++) {
            t.succeeded(20_000 * MS);
        }
        assertEquals(Duration.ofSeconds(30), t.current(), "3 x 20 s is above the maximum");
        assertEquals(100, t.samples());
    }

    @Test
    void theP99IsTheNearestRankOfTheWindowForAnyCountAndWindow() {
        java.util.Random random = new java.util.Random(31);
        for (int window : new int[]{1, 7, 10, 99, 100, 101, 250, 1000}) {
            AttemptTimeout t = AttemptTimeout.adaptive(1, window, Duration.ofNanos(1), Duration.ofDays(1));
            java.util.ArrayDeque<Long> last = new java.util.ArrayDeque<>();
            for (int i = 0; i < 3 * window + 5; i++) {
                long sample = 1 + random.nextInt(1_000_000) * (random.nextInt(50) == 0 ? 1000L : 1L);
                t.succeeded(sample);
                last.addLast(sample);
                if (last.size() > window) {
                    last.removeFirst();
                }
                if (last.size() >= Math.max(1, window / 10)) {
                    long[] sorted = last.stream().mapToLong(Long::longValue).sorted().toArray();
                    long expected = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
                    assertEquals(expected, t.current().toNanos(), "window " + window + " after " + (i + 1));
                }
            }
        }
    }

    @Test
    void aClientCanOnlyLowerTheServersTimeout() {
        AttemptTimeout fixed = AttemptTimeout.fixed(Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(2), fixed.forAttempt(Duration.ZERO), "no client timeout: the server's");
        assertEquals(Duration.ofSeconds(2), fixed.forAttempt(Duration.ofSeconds(60)), "a higher one is ignored");
        assertEquals(Duration.ofMillis(500), fixed.forAttempt(Duration.ofMillis(500)), "a lower one applies");
        fixed.succeeded(10 * MS);
        assertEquals(Duration.ofSeconds(2), fixed.current(), "a fixed timeout never moves");
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttemptTimeout.adaptive(0.5, 100, Duration.ofMillis(1),
                Duration.ofSeconds(1))).getMessage().contains("timeout-multiplier"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttemptTimeout.adaptive(3, 0, Duration.ofMillis(1),
                Duration.ofSeconds(1))).getMessage().contains("timeout-window"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttemptTimeout.adaptive(3, 100, Duration.ZERO,
                Duration.ofSeconds(1))).getMessage().contains("timeout-min"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttemptTimeout.adaptive(3, 100, Duration.ofSeconds(2),
                Duration.ofSeconds(1))).getMessage().contains("timeout-max"));
        assertThrows(IllegalArgumentException.class, () -> AttemptTimeout.fixed(Duration.ZERO));
    }
}
