package dev.echo.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-writer latency recorder with power-of-two buckets: bucket {@code b} counts values in
 * {@code [2^(b-1), 2^b)} nanoseconds (bucket 0 counts zero). Percentiles read from it are upper
 * bounds within a factor of two — enough for dashboards; exact percentiles belong to the
 * benchmarks (HdrHistogram).
 *
 * <h2>Invariants</h2>
 * Exactly one thread (the owning worker) calls {@link #record}; it updates each field with an
 * opaque read-modify-write, which is safe because nobody else writes. Readers use opaque reads
 * and may see a record half applied (count before sum); a snapshot is therefore approximate
 * while tasks run and exact once the writer is quiet. No lock, no CAS on the hot path.
 */
public final class LatencyHistogram {

    /** Buckets 0..63 cover every non-negative long. */
    public static final int BUCKETS = 64;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SUM = BUCKETS;
    private static final int MAX = BUCKETS + 1;

    /** buckets, then sum, then max; written only by the owner. */
    private final long[] cells = new long[BUCKETS + 2];

    /** Records one value in nanoseconds. Owner thread only. */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        int bucket = 64 - Long.numberOfLeadingZeros(v);
        if (bucket >= BUCKETS) {
            bucket = BUCKETS - 1;
        }
        LONGS.setOpaque(cells, bucket, (long) LONGS.getOpaque(cells, bucket) + 1);
        LONGS.setOpaque(cells, SUM, (long) LONGS.getOpaque(cells, SUM) + v);
        if (v > (long) LONGS.getOpaque(cells, MAX)) {
            LONGS.setOpaque(cells, MAX, v);
        }
    }

    /** Adds this histogram into an accumulator. Any thread. */
    public void addTo(Accumulator acc) {
        for (int b = 0; b < BUCKETS; b++) {
            acc.buckets[b] += (long) LONGS.getOpaque(cells, b);
        }
        acc.sum += (long) LONGS.getOpaque(cells, SUM);
        acc.max = Math.max(acc.max, (long) LONGS.getOpaque(cells, MAX));
    }

    /** Merges several histograms into one {@link LatencySummary}. */
    public static final class Accumulator {
        private final long[] buckets = new long[BUCKETS];
        private long sum;
        private long max;

        public LatencySummary toSummary() {
            long count = 0;
            for (long c : buckets) {
                count += c;
            }
            return new LatencySummary(count, sum, max, percentile(count, 0.50), percentile(count, 0.99));
        }

        private long percentile(long count, double q) {
            if (count == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(q * count);
            long seen = 0;
            for (int b = 0; b < BUCKETS; b++) {
                seen += buckets[b];
                if (seen >= rank) {
                    long upper = b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : (1L << b) - 1);
                    return Math.min(upper, max);
                }
            }
            return max;
        }
    }
}
