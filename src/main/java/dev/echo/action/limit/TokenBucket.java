package dev.echo.action.limit;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * A rate of {@code count} per {@code per} as a token bucket kept as one number (GCRA, the generic
 * cell rate algorithm): the theoretical arrival time {@code tat} of the next event, with emission
 * interval {@code T = per / count} and burst tolerance {@code per - T}. An event at {@code now} fits
 * when {@code max(tat, now) - now <= per - T}, and moves {@code tat} on to {@code max(tat, now) + T}:
 * {@code count} fit at once, the next one {@code T} later, and after a quiet {@code per} again
 * {@code count} at once.
 *
 * <p>Immutable; the one computation both limits share: the per-caller rate limit at acceptance
 * ({@link KeyedTokenBuckets}, a CAS per cell) and {@code max-starts} at execution
 * ({@link StartLimit}, under its monitor). {@code tat} is a {@code System.nanoTime()}-style value;
 * {@link #EMPTY} stands for "no event yet" (a full bucket).
 */
public record TokenBucket(long count, Duration per) {

    /** A {@code tat} that means no event yet: the bucket is full. */
    public static final long EMPTY = Long.MIN_VALUE;
    private static final long MAX_COUNT = 1_000_000_000L;
    private static final Duration MAX_PER = Duration.ofDays(365);

    public TokenBucket {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("the count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        if (per == null || per.isNegative() || per.isZero() || per.compareTo(MAX_PER) > 0) {
            throw new IllegalArgumentException("the duration must be more than zero and at most 365 days, was " + per);
        }
    }

    /**
     * Reads {@code <count>/<ISO-8601 duration>} (for example {@code 100/PT1S}); a bad value fails
     * naming {@code key}, the value and what was expected.
     */
    public static TokenBucket parse(String key, String value) {
        String expected = key + " must be <count>/<ISO-8601 duration> (for example 100/PT1S), was '" + value + "'";
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(expected);
        }
        long count;
        Duration per;
        try {
            count = Long.parseLong(value.substring(0, slash).strip());
            per = Duration.parse(value.substring(slash + 1).strip());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(expected, e);
        }
        try {
            return new TokenBucket(count, per);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** {@code T}: the time one event takes from the bucket. */
    public long intervalNanos() {
        return Math.max(1, per.toNanos() / count);
    }

    /** How long before one more event fits, given {@code tat} at {@code now}; zero or less: it fits now. */
    public long waitNanos(long tat, long now) {
        return start(tat, now) - now - (per.toNanos() - intervalNanos());
    }

    /** The {@code tat} after one event at {@code now} (call when {@link #waitNanos} allowed it). */
    public long take(long tat, long now) {
        return start(tat, now) + intervalNanos();
    }

    /** Whether a bucket at {@code tat} is full at {@code now} (nothing to remember: it may be dropped). */
    public boolean isFull(long tat, long now) {
        return tat == EMPTY || tat - now <= 0;
    }

    private static long start(long tat, long now) {
        return tat == EMPTY || tat - now < 0 ? now : tat;
    }

    /** How it is written in the configuration: {@code count/per}. */
    public String text() {
        return count + "/" + per;
    }
}
