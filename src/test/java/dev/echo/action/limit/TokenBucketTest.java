package dev.echo.action.limit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

    private static final long S = 1_000_000_000L;

    @Test
    void countAtOnceThenOnePerIntervalThenCountAgainAfterAQuietPeriod() {
        TokenBucket b = new TokenBucket(4, Duration.ofSeconds(2)); // interval 0.5 s
        long tat = TokenBucket.EMPTY;
        long now = 100 * S;
        for (int i = 0; i < 4; i++) {
            assertTrue(b.waitNanos(tat, now) <= 0, "event " + i + " fits at once");
            tat = b.take(tat, now);
        }
        assertEquals(S / 2, b.waitNanos(tat, now), "the fifth waits one interval");
        assertTrue(b.waitNanos(tat, now + S / 2) <= 0);
        tat = b.take(tat, now + S / 2);
        assertFalse(b.isFull(tat, now + S / 2));
        assertTrue(b.isFull(tat, now + 3 * S), "after a quiet period the bucket is full again");
    }

    @Test
    void keyedBucketsTakeExactlyTheCountPerKeyAndGiveBack() {
        AtomicLong now = new AtomicLong(7 * S);
        KeyedTokenBuckets<String> cells = new KeyedTokenBuckets<>(now::get);
        TokenBucket two = new TokenBucket(2, Duration.ofSeconds(10));
        assertTrue(cells.acquire("a", two).taken());
        KeyedTokenBuckets.Taken second = cells.acquire("a", two);
        assertTrue(second.taken());
        KeyedTokenBuckets.Taken third = cells.acquire("a", two);
        assertFalse(third.taken());
        assertEquals(5 * S, third.waitNanos());
        assertTrue(cells.acquire("b", two).taken(), "another key has its own bucket");
        second.giveBack().run();
        assertTrue(cells.acquire("a", two).taken(), "a place given back is taken again");
    }

    @Test
    void parseNamesTheKeyAndTheValue() {
        assertEquals(new TokenBucket(100, Duration.ofSeconds(1)), TokenBucket.parse("k", " 100 / PT1S"));
        for (String bad : new String[]{"100", "x/PT1S", "1/1s", "0/PT1S", "1/PT0S", "1/-PT1S", "1/P400D"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenBucket.parse("the.key", bad), bad);
            assertTrue(e.getMessage().startsWith("the.key"), e.getMessage());
        }
    }
}
