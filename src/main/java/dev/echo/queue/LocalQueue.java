package dev.echo.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A bounded single-producer, multi-consumer FIFO ring: the per-worker, per-priority deque of the
 * work-stealing structure. Only the owning worker {@link #offer offers}; the owner and thieves
 * {@link #poll poll} and {@link #stealHalfInto steal} from the head, so items leave in the order
 * they were offered (same-priority tasks forked by one task start in FIFO order).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code head <= tail} and {@code tail - head <= capacity}; both only grow (64-bit, never
 *       wrap in practice).</li>
 *   <li>Slots {@code [head, tail)} hold published items. Only the owner writes {@code tail}, and
 *       it writes slot {@code t} before publishing {@code tail = t + 1} with release semantics.</li>
 *   <li>A consumer owns slots {@code [h, h + n)} once its CAS moves {@code head} from {@code h} to
 *       {@code h + n}. The owner cannot overwrite those slots before that CAS: it writes slot
 *       {@code t} only while {@code t - head < capacity}, i.e. only after {@code head} has passed
 *       them, which makes a racing consumer's CAS fail.</li>
 *   <li>After a successful claim the consumer clears each claimed slot with a CAS from the item
 *       to {@code null}, so finished items are not retained; if the owner has already reused the
 *       slot the CAS fails harmlessly.</li>
 * </ul>
 *
 * @param <T> the item type; the queue knows nothing about it
 */
public final class LocalQueue<T> {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(LocalQueue.class, "head", long.class);
            TAIL = lookup.findVarHandle(LocalQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;

    /** Next slot to consume; advanced by CAS (owner and thieves race for it). */
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile long head;
    /** Next slot to fill; written only by the owner, read by thieves (release/acquire). */
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile long tail;

    /**
     * @param capacity a power of two, at least 2
     */
    public LocalQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("local queue capacity must be a power of two >= 2, was " + capacity);
        }
        this.slots = new Object[capacity];
        this.mask = capacity - 1;
    }

    /** The fixed capacity of this ring. */
    public int capacity() {
        return slots.length;
    }

    /**
     * Appends an item. <b>Owner thread only.</b>
     *
     * @return {@code false} if the ring is full (the caller then uses the global injector)
     */
    public boolean offer(T item) {
        long t = (long) TAIL.getOpaque(this);          // only we write tail
        long h = (long) HEAD.getAcquire(this);
        if (t - h >= slots.length) {
            return false;
        }
        SLOT.setRelease(slots, (int) (t & mask), item);
        TAIL.setRelease(this, t + 1);                 // publishes the slot to consumers
        return true;
    }

    /** Removes the oldest item, or returns {@code null} if empty. Any thread. */
    public T poll() {
        while (true) {
            long h = (long) HEAD.getAcquire(this);
            long t = (long) TAIL.getAcquire(this);
            if (h >= t) {
                return null;
            }
            int index = (int) (h & mask);
            @SuppressWarnings("unchecked")
            T item = (T) SLOT.getAcquire(slots, index);
            if (HEAD.compareAndSet(this, h, h + 1)) {
                SLOT.compareAndSet(slots, index, item, null); // drop our reference; fails if reused
                return item;
            }
        }
    }

    /** The oldest item without removing it, or {@code null}. A hint: it may be gone already. */
    public T peek() {
        long h = (long) HEAD.getAcquire(this);
        long t = (long) TAIL.getAcquire(this);
        if (h >= t) {
            return null;
        }
        @SuppressWarnings("unchecked")
        T item = (T) SLOT.getAcquire(slots, (int) (h & mask));
        return item;
    }

    /**
     * Moves up to half of this ring (at least one item, at most {@code max}) to {@code thief}
     * and returns the oldest of the moved items for the caller to run, or {@code null} if this
     * ring was empty. The items are claimed atomically with one CAS, so a batch is never split
     * between two thieves. The caller must be the owner of {@code sink}'s target queue.
     *
     * @param sink receives all claimed items except the returned one, oldest first
     */
    public T stealHalfInto(Consumer<? super T> sink, int max) {
        while (true) {
            long h = (long) HEAD.getAcquire(this);
            long t = (long) TAIL.getAcquire(this);
            long available = t - h;
            if (available <= 0) {
                return null;
            }
            int n = (int) Math.min(Math.max(1, (available + 1) / 2), Math.max(1, max));
            Object[] claimed = new Object[n];
            for (int i = 0; i < n; i++) {
                claimed[i] = SLOT.getAcquire(slots, (int) ((h + i) & mask));
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                for (int i = 0; i < n; i++) {
                    SLOT.compareAndSet(slots, (int) ((h + i) & mask), claimed[i], null);
                }
                for (int i = 1; i < n; i++) {
                    @SuppressWarnings("unchecked")
                    T item = (T) claimed[i];
                    sink.accept(item);
                }
                @SuppressWarnings("unchecked")
                T first = (T) claimed[0];
                return first;
            }
        }
    }

    /** {@code true} if no item is visible now. A hint under concurrency. */
    public boolean isEmpty() {
        return (long) HEAD.getAcquire(this) >= (long) TAIL.getAcquire(this);
    }

    /** Items visible now. A hint under concurrency. */
    public int size() {
        long h = (long) HEAD.getAcquire(this);
        long t = (long) TAIL.getAcquire(this);
        return (int) Math.max(0, t - h);
    }
}
