package dev.echo.action;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Capped exponential backoff with jitter, all in milliseconds (the seed computed jitter in
 * seconds). The delay before attempt {@code n + 1} (after {@code n} failures) is
 * {@code min(maxDelay, initialDelay × multiplier^(n-1))} plus a uniformly random jitter in
 * {@code [0, jitter]} ms, itself capped so the total never exceeds {@code maxDelay + jitter}.
 *
 * @param maxAttempts  total attempts including the first, at least 1
 * @param initialDelay delay after the first failure
 * @param maxDelay     cap of the exponential part
 * @param multiplier   growth per failure, at least 1.0
 * @param jitter       largest random addition
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, Duration jitter) {

    /** One attempt, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "retry.initialDelay");
        Objects.requireNonNull(maxDelay, "retry.maxDelay");
        Objects.requireNonNull(jitter, "retry.jitter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("retry delays must not be negative: initialDelay=" + initialDelay
                    + ", maxDelay=" + maxDelay + ", jitter=" + jitter);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("retry.maxDelay (" + maxDelay + ") must not be below retry.initialDelay ("
                    + initialDelay + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("retry.multiplier must be a finite number >= 1.0, was " + multiplier);
        }
    }

    /** Whether another attempt follows {@code failedAttempts} failures. */
    public boolean allowsRetryAfter(int failedAttempts) {
        return failedAttempts < maxAttempts;
    }

    /**
     * The delay before the next attempt after {@code failedAttempts} failures (1 = the first
     * attempt failed).
     *
     * @param random a source of uniformly distributed longs (injectable for tests)
     */
    public Duration delayAfter(int failedAttempts, LongSupplier random) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, was " + failedAttempts);
        }
        double exponential = initialDelay.toMillis() * Math.pow(multiplier, failedAttempts - 1);
        long base = (long) Math.min(maxDelay.toMillis(), exponential);
        long jitterMillis = jitter.toMillis();
        long extra = jitterMillis == 0 ? 0 : Math.floorMod(random.getAsLong(), jitterMillis + 1);
        return Duration.ofMillis(base + extra);
    }
}
