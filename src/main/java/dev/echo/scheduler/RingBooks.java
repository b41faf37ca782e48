package dev.echo.scheduler;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The scheduler's bookkeeping per submission ring of outside threads: the pending counts the ring
 * holds in advance ({@code credits}, see {@link RunState}), how many tasks it accepted per
 * level (for the metrics) and how it samples its queueing stamps.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A ring's cells are written only by the holder of that ring's lock (one writer at a time,
 *       ordered by the lock), so updates are plain read-then-write, no CAS.</li>
 *   <li>Each ring's cells lie in a 128-byte block of their own, 64 bytes in from the block's
 *       start: two submitters on two rings never write one cache line (side by side in one
 *       {@code long[]}, every admission on one ring cost the other a cache miss).</li>
 *   <li>The accepted counts are written with release stores and read with volatile reads, so a
 *       metrics reader sees a recent value without taking the lock.</li>
 * </ul>
 */
final class RingBooks {

    /** Longs per ring: 128 bytes. */
    private static final int STRIDE = 16;
    /** Where a ring's cells start in its block (a cache line in). */
    private static final int OFFSET = STRIDE / 2;

    private final AtomicLongArray cells;
    /**
     * Per ring, at the same place in its block: the sampling state of the ring's queueing stamps
     * ({@link CoarseClock#stamp}). Plain: written only under the ring's lock.
     */
    private final long[] stamps;
    private final int rings;

    RingBooks(int rings, int levels) {
        if (levels > STRIDE - OFFSET - 1) {
            throw new IllegalArgumentException("at most " + (STRIDE - OFFSET - 1) + " levels, was " + levels);
        }
        this.rings = rings;
        this.cells = new AtomicLongArray((rings + 1) * STRIDE); // + 1: padding after the last ring too
        this.stamps = new long[(rings + 1) * STRIDE];
    }

    /** The queueing stamp of the next task accepted through {@code ring}. Under the ring's lock. */
    long stamp(int ring, CoarseClock clock) {
        return clock.stamp(stamps, creditCell(ring));
    }

    private static int creditCell(int ring) {
        return ring * STRIDE + OFFSET;
    }

    private static int acceptedCell(int ring, int level) {
        return creditCell(ring) + 1 + level;
    }

    /** The pending counts {@code ring} holds in advance. Under the ring's lock. */
    long credits(int ring) {
        return cells.getPlain(creditCell(ring));
    }

    /** Sets the pending counts {@code ring} holds in advance. Under the ring's lock. */
    void setCredits(int ring, long n) {
        cells.setPlain(creditCell(ring), n);
    }

    /** One more task accepted through {@code ring} at {@code level}. Under the ring's lock. */
    void countAccepted(int ring, int level) {
        int i = acceptedCell(ring, level);
        cells.lazySet(i, cells.getPlain(i) + 1);
    }

    /** Tasks accepted at {@code level} through every ring. Any thread. */
    long accepted(int level) {
        long n = 0;
        for (int r = 0; r < rings; r++) {
            n += cells.get(acceptedCell(r, level));
        }
        return n;
    }

    int rings() {
        return rings;
    }
}
