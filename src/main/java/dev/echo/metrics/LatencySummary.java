package dev.echo.metrics;

/**
 * Wait or run times of one priority, in nanoseconds.
 *
 * @param count      how many values were recorded
 * @param totalNanos their sum
 * @param maxNanos   the largest
 * @param p50Nanos   an upper bound of the median (within a factor of two)
 * @param p99Nanos   an upper bound of the 99th percentile (within a factor of two)
 */
public record LatencySummary(long count, long totalNanos, long maxNanos, long p50Nanos, long p99Nanos) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);

    /** Mean in nanoseconds, 0 when nothing was recorded. */
    public double meanNanos() {
        return count == 0 ? 0 : (double) totalNanos / count;
    }
}
