package dev.echo.queue;

import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

import java.util.Queue;
import java.util.function.Consumer;

/**
 * A {@link LocalQueue} with an unbounded spill queue behind it, FIFO across both: once an item
 * has spilled, every later item spills too until the spill queue is empty again, and takers look
 * at the ring before the spill queue. So items leave in the order they were offered even when a
 * burst outgrows the ring (a shared injector behind every ring broke that: newer items pushed into
 * a ring that had room again were taken before older ones waiting in the injector).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>One producer at a time (the owning worker, or the holder of a submission ring's lock);
 *       any number of takers.</li>
 *   <li>Every item in the ring is older than every item in the spill queue: the producer writes
 *       to the ring only while the spill queue is empty (it alone adds to it, so "empty" can only
 *       become more true under it).</li>
 *   <li>{@code spill} is created by the producer on the first overflow and published with a
 *       volatile write; {@code null} reads as empty.</li>
 * </ul>
 */
final class SpillingRing<T> {

    /** Slots per chunk of a spill queue (created only when a ring overflows). */
    private static final int SPILL_CHUNK = 1024;

    private final LocalQueue<T> ring;
    /** Written once by the producer (volatile: published to takers). */
    private volatile Queue<T> spill;

    SpillingRing(int initialCapacity, int maxCapacity) {
        this.ring = new LocalQueue<>(initialCapacity, maxCapacity);
    }

    /**
     * Appends; into the spill queue when the ring is full or has spilled already. Producer only.
     *
     * @return {@code true} if the item went into the ring, {@code false} if it spilled
     */
    boolean offer(T item) {
        return offer(item, false);
    }

    /**
     * Like {@link #offer}, publishing into the ring with {@link LocalQueue#offerFenced} (a full
     * fence included). Producer only.
     *
     * @return {@code true} if the item went into the ring (fenced), {@code false} if it spilled
     *     (not fenced: the spill queue publishes with an ordered store only)
     */
    boolean offerFenced(T item) {
        return offer(item, true);
    }

    private boolean offer(T item, boolean fenced) {
        Queue<T> s = spill;
        if ((s == null || s.isEmpty()) && (fenced ? ring.offerFenced(item) : ring.offer(item))) {
            return true;
        }
        if (s == null) {
            s = new MpmcUnboundedXaddArrayQueue<>(SPILL_CHUNK);
            spill = s;
        }
        s.offer(item);
        return false;
    }

    /** The oldest item, or {@code null}. Any thread. */
    T poll() {
        T item = ring.poll();
        return item != null ? item : pollSpill();
    }

    /** Like {@link #poll}, for the ring's one producer (a worker taking from its own queue). */
    T pollOwned() {
        T item = ring.pollOwned();
        return item != null ? item : pollSpill();
    }

    /** Takes the oldest item of the spill queue (used once the ring is empty: FIFO across both). */
    private T pollSpill() {
        Queue<T> s = spill;
        return s == null ? null : s.poll();
    }

    /** The oldest item without taking it, or {@code null}. A hint. */
    T peek() {
        T item = ring.peek();
        if (item != null) {
            return item;
        }
        Queue<T> s = spill;
        return s == null ? null : s.peek();
    }

    /**
     * Moves up to half of the ring (at most {@code max}) to {@code sink} and returns the oldest
     * moved item; from the spill queue one item when the ring is empty. Any thread.
     */
    T stealHalfInto(Consumer<? super T> sink, int max) {
        T item = ring.stealHalfInto(sink, max);
        return item != null ? item : pollSpill();
    }

    /** Gives a grown, empty ring its initial size back. Producer only; see {@link LocalQueue#trimIfEmpty}. */
    boolean trimIfEmpty() {
        return ring.trimIfEmpty();
    }

    boolean isGrown() {
        return ring.isGrown();
    }

    int capacity() {
        return ring.capacity();
    }

    /** {@code true} if nothing is visible now. A hint. */
    boolean isEmpty() {
        Queue<T> s = spill;
        return ring.isEmpty() && (s == null || s.isEmpty());
    }
}
