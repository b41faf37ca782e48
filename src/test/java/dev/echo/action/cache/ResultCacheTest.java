package dev.echo.action.cache;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class ResultCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private static final Duration HOUR = Duration.ofHours(1);

    private static ResultCache.Key key(String caller, String content) {
        return new ResultCache.Key("f", caller, CanonicalJson.digest(content));
    }

    @Test
    void aResultIsFoundForTheSameCallerAndContentUntilItExpires() {
        ResultCache c = new ResultCache(1 << 20, now::get);
        c.put(key("alice", "x"), "result", 100, Duration.ofSeconds(10));
        assertEquals("result", c.get(key("alice", "x")).orElseThrow().result());
        assertTrue(c.get(key("bob", "x")).isEmpty(), "results never cross callers");
        assertTrue(c.get(key("alice", "y")).isEmpty(), "other content is another entry");
        assertTrue(c.get(new ResultCache.Key("g", "alice", CanonicalJson.digest("x"))).isEmpty(), "other functions too");
        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertTrue(c.get(key("alice", "x")).isPresent(), "still fresh a nanosecond before its expiry");
        now.addAndGet(1);
        assertTrue(c.get(key("alice", "x")).isEmpty(), "expired");
        assertEquals(0, c.size(), "an expired entry goes when met");
        assertEquals(0, c.bytes());
    }

    @Test
    void aNullResultIsAHitToo() {
        ResultCache c = new ResultCache(1 << 20, now::get);
        c.put(key("alice", "x"), null, 10, HOUR);
        assertNull(c.get(key("alice", "x")).orElseThrow().result());
    }

    @Test
    void theBoundInBytesDropsTheOldestFirstAndAnEntryHeavierThanTheBoundIsNotKept() {
        long each = 1000 + key("a", "0").weight();
        ResultCache c = new ResultCache(3 * each, now::get);
        for (int i = 0; i < 3; i++) {
            c.put(key("a", String.valueOf(i)), i, 1000, HOUR);
        }
        assertEquals(3 * each, c.bytes());
        c.put(key("a", "3"), 3, 1000, HOUR);
        assertTrue(c.get(key("a", "0")).isEmpty(), "the oldest went");
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, c.get(key("a", String.valueOf(i))).orElseThrow().result());
        }
        assertTrue(c.bytes() <= 3 * each);
        c.put(key("a", "huge"), "x", 4 * each, HOUR);
        assertTrue(c.get(key("a", "huge")).isEmpty());
        assertEquals(3, c.size(), "nothing was dropped for an entry that cannot be kept");
        c.put(key("a", "2"), "again", 1000, HOUR); // replacing moves it to the newest end
        c.put(key("a", "4"), 4, 1000, HOUR);
        assertTrue(c.get(key("a", "1")).isEmpty());
        assertEquals("again", c.get(key("a", "2")).orElseThrow().result());
    }

    @Test
    void aCacheOfZeroBytesKeepsNothing() {
        ResultCache c = new ResultCache(0, now::get);
        c.put(key("a", "x"), "r", 1, HOUR);
        assertTrue(c.get(key("a", "x")).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new ResultCache(-1, now::get));
    }
}
