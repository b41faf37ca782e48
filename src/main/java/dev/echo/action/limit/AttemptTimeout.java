package dev.echo.action.limit;

import java.time.Duration;

/**
 * The server's timeout of each attempt of one function ({@code echo.actions.function.<name>.timeout}):
 * a fixed duration, or adaptive — {@code multiplier × p99} of the last {@code window} successful
 * attempts' durations, clamped to {@code [min, max]}; until {@code window / 10} (at least one)
 * successes are known, {@code max}. A client's own timeout can only lower it
 * ({@link #forAttempt}).
 *
 * <p>Invariants: {@code currentNanos} (volatile) is what the next attempt gets, read without a lock
 * on every attempt; it is written only under this object's monitor, together with the sample ring
 * ({@code samples}, {@code next}, {@code count}), after each success — the p99 of at most
 * {@code window} samples is one pass over them keeping the few largest (no copy, no sort), paid by a
 * successful attempt, never by a submission. A fixed timeout never changes.
 */
public final class AttemptTimeout {

    /** Largest window: the sort per success stays a few microseconds. */
    public static final int MAX_WINDOW = 10_000;

    private final boolean adaptive;
    private final double multiplier;
    private final long minNanos;
    private final long maxNanos;
    private final long[] samples;
    private final int needed;
    private int next;
    private int count;
    /** Scratch for {@link #p99()}: the largest samples, ascending (under the monitor). */
    private final long[] largest;
    private volatile long currentNanos;

    private AttemptTimeout(boolean adaptive, double multiplier, int window, Duration min, Duration max) {
        this.adaptive = adaptive;
        this.multiplier = multiplier;
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.samples = new long[adaptive ? window : 0];
        this.needed = Math.max(1, window / 10);
        this.largest = new long[adaptive ? window / 100 + 2 : 0]; // k = floor(n / 100) + 1 for n <= window
        this.currentNanos = maxNanos;
    }

    /** Every attempt gets {@code timeout}. */
    public static AttemptTimeout fixed(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("a fixed timeout must be positive, was " + timeout);
        }
        return new AttemptTimeout(false, 1, 0, timeout, timeout);
    }

    /**
     * {@code multiplier × p99} of the last {@code window} successes, within {@code [min, max]}.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public static AttemptTimeout adaptive(double multiplier, int window, Duration min, Duration max) {
        if (!(multiplier >= 1) || multiplier > 1000) {
            throw new IllegalArgumentException("timeout-multiplier must be 1 to 1000, was " + multiplier);
        }
        if (window < 1 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("timeout-window must be 1 to " + MAX_WINDOW + ", was " + window);
        }
        if (min == null || min.isZero() || min.isNegative()) {
            throw new IllegalArgumentException("timeout-min must be positive, was " + min);
        }
        if (max == null || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("timeout-max must be at least timeout-min (" + min + "), was " + max);
        }
        return new AttemptTimeout(true, multiplier, window, min, max);
    }

    public boolean isAdaptive() {
        return adaptive;
    }

    /** What the next attempt gets from the server. */
    public Duration current() {
        return Duration.ofNanos(currentNanos);
    }

    /**
     * The timeout of one attempt: the server's, or the client's when that is lower (a client can
     * only lower it; zero means the client asked for none).
     */
    public Duration forAttempt(Duration client) {
        Duration server = current();
        return client.isZero() || client.compareTo(server) > 0 ? server : client;
    }

    /** An attempt succeeded after {@code nanos}: one more sample (adaptive only). */
    public void succeeded(long nanos) {
        if (!adaptive) {
            return;
        }
        synchronized (this) {
            samples[next] = Math.max(0, nanos);
            next = (next + 1) % samples.length;
            if (count < samples.length) {
                count++;
            }
            if (count < needed) {
                return;
            }
            double scaled = multiplier * p99();
            currentNanos = scaled >= maxNanos ? maxNanos : Math.max(minNanos, (long) scaled);
        }
    }

    /**
     * The p99 of the {@code count} samples (nearest rank: the {@code ceil(0.99 n)}-th smallest), as
     * the {@code k}-th largest with {@code k = n - ceil(0.99 n) + 1} (2 of 100): one pass keeping the
     * {@code k} largest in order, no copy and no sort of the window.
     */
    private long p99() {
        int k = Math.min(largest.length, count - ((int) Math.ceil(0.99 * count) - 1));
        int filled = 0;
        for (int i = 0; i < count; i++) {
            long v = samples[i];
            if (filled < k) { // not k yet: insert in ascending order
                int j = filled++;
                while (j > 0 && largest[j - 1] > v) {
                    largest[j] = largest[j - 1];
                    j--;
                }
                largest[j] = v;
            } else if (v > largest[0]) { // one of the k largest: the smallest of them goes
                int j = 0;
                while (j + 1 < k && largest[j + 1] < v) {
                    largest[j] = largest[j + 1];
                    j++;
                }
                largest[j] = v;
            }
        }
        return largest[0];
    }

    /** How many successes the adaptive value is computed from (at most the window). */
    public synchronized int samples() {
        return count;
    }

    /** How it is configured, for messages. */
    public String text() {
        return adaptive ? "adaptive (" + multiplier + " x p99 of " + samples.length + ", " + Duration.ofNanos(minNanos)
                + " to " + Duration.ofNanos(maxNanos) + ")" : Duration.ofNanos(maxNanos).toString();
    }
}
