package dev.echo.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A single-producer, multi-consumer FIFO ring that grows on demand up to a bound: the per-worker,
 * per-priority deque of the work-stealing structure. Only the owning worker {@link #offer offers}; the owner and thieves
 * {@link #poll poll} and {@link #stealHalfInto steal} from the head, so items leave in the order
 * they were offered (same-priority tasks forked by one task start in FIFO order).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code head <= tail} and {@code tail - head <= capacity}; both only grow (64-bit, never
 *       wrap in practice).</li>
 *   <li>The owner writes slot {@code t} only if {@code t - headSeen < capacity}, where
 *       {@code headSeen} is its last reading of {@code head}: a lower bound (head only grows), so
 *       the test is stricter than {@code t - head < capacity}, and the owner touches the takers'
 *       cache line only when the ring looks full.</li>
 *   <li>Only the owner writes {@code tail}. {@link #offer} writes slot {@code t} before
 *       publishing {@code tail = t + 1} with release semantics. {@link #offerFenced} does it the
 *       other way round, as ForkJoinPool does: it first empties slot {@code t} (a stale reference
 *       a taker has not cleared yet), then writes {@code tail = t + 1} (release), then the item
 *       with an atomic exchange — one locked instruction that both publishes the item and is the
 *       full fence its caller needs (a release store, the garbage collector's barrier and a
 *       separate fence cost B2 about a tenth). So slots {@code [head, tail)} hold published items,
 *       except that slot {@code tail - 1} may still be empty for a moment while its
 *       {@code offerFenced} runs; it never holds a stale item, because the slot was emptied
 *       before {@code tail} was written.</li>
 *   <li>A taker never claims an empty slot as an item: it finds slot {@code tail - 1} empty only
 *       while its item is being published, and then reports nothing (the item shows a moment
 *       later). An empty slot below {@code tail - 1} was published (its exchange came before the
 *       owner's next release of {@code tail}) and then emptied: by the taker that claimed it (the
 *       reader's claim then fails and it looks again), or by a late clear (below) of a taker of
 *       the same item object at the slot's previous index: that item is lost, as it always was
 *       in that case; the reader claims the index and skips it, so the ring never stalls.</li>
 *   <li>A consumer owns slots {@code [h, h + n)} once its CAS moves {@code head} from {@code h} to
 *       {@code h + n}. The owner cannot overwrite those slots before that CAS: it writes slot
 *       {@code t} only while {@code t - head < capacity}, i.e. only after {@code head} has passed
 *       them, which makes a racing consumer's CAS fail.</li>
 *   <li>After a successful claim the consumer clears each claimed slot with a CAS from the item
 *       to {@code null}, so finished items are not retained; if the owner has already reused the
 *       slot the CAS fails harmlessly (unless the owner put the very same object there again, a
 *       task queued anew: then that queuing is lost, see the next-but-one invariant).</li>
 *   <li>Trimming (producer only, when {@code head == tail}): the owner publishes an empty array of
 *       the initial size. Nothing is lost: no index below the tail is left to take, and a taker
 *       that read an older {@code head} fails its CAS; a taker clearing a claimed slot in the
 *       new array compares against its item and fails harmlessly.</li>
 *   <li>Growth (owner only, when full and below {@code maxCapacity}): the owner copies slots
 *       {@code [head, tail)} into an array twice the size (same positions modulo the new length),
 *       publishes it with a release store of {@code slots}, and only then writes the new item and
 *       {@code tail}. A consumer reads {@code tail} (acquire) before {@code slots} (acquire), so
 *       for every index below the tail it read, the array it sees holds that item: an old array is
 *       never written again once replaced, and a copied item sits at the same index in the new
 *       one. Which array a consumer read does not matter for ownership: the CAS on {@code head}
 *       decides it. A consumer clears its claimed slot in the array it read and, if the ring grew
 *       meanwhile, in the current one.</li>
 * </ul>
 *
 * @param <T> the item type; the queue knows nothing about it
 */
public final class LocalQueue<T> extends PaddedIndexes.TrailingPad {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SLOTS;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(PaddedIndexes.Head.class, "head", long.class);
            TAIL = lookup.findVarHandle(PaddedIndexes.Tail.class, "tail", long.class);
            SLOTS = lookup.findVarHandle(LocalQueue.class, "slots", Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The ring; replaced (never written again) when it grows. Written by the owner only, release/acquire. */
    @SuppressWarnings("unused") // accessed through SLOTS, and plainly by the owner
    private Object[] slots;
    private final int maxCapacity;
    /** The size a ring starts with and goes back to when trimmed ({@link #trimIfEmpty}). */
    private final int initialCapacity;

    // head (advanced by CAS: the owner and thieves race for it) and tail (written only by the
    // owner, read by thieves with release/acquire) are inherited from PaddedIndexes, each on a
    // cache line of its own.

    /**
     * A ring of fixed capacity.
     *
     * @param capacity a power of two, at least 2
     */
    public LocalQueue(int capacity) {
        this(capacity, capacity);
    }

    /**
     * A ring that starts at {@code initialCapacity} and doubles when full, up to {@code maxCapacity}.
     *
     * @param initialCapacity a power of two, at least 2
     * @param maxCapacity     a power of two, at least {@code initialCapacity}
     */
    public LocalQueue(int initialCapacity, int maxCapacity) {
        if (initialCapacity < 2 || Integer.bitCount(initialCapacity) != 1) {
            throw new IllegalArgumentException("local queue capacity must be a power of two >= 2, was " + initialCapacity);
        }
        if (maxCapacity < initialCapacity || Integer.bitCount(maxCapacity) != 1) {
            throw new IllegalArgumentException("local queue maximum capacity must be a power of two >= " + initialCapacity
                    + ", was " + maxCapacity);
        }
        this.slots = new Object[initialCapacity];
        this.initialCapacity = initialCapacity;
        this.maxCapacity = maxCapacity;
    }

    /** The capacity of this ring now (it grows up to its maximum). */
    public int capacity() {
        return ((Object[]) SLOTS.getAcquire(this)).length;
    }

    private Object[] slots() {
        return (Object[]) SLOTS.getAcquire(this);
    }

    /**
     * Appends an item. <b>Owner thread only.</b>
     *
     * @return {@code false} if the ring is full (the caller then uses the global injector)
     */
    public boolean offer(T item) {
        long t = (long) TAIL.getOpaque(this);          // only we write tail
        Object[] a = withRoomAt(t);
        if (a == null) {
            return false;
        }
        SLOT.setRelease(a, (int) (t & (a.length - 1)), item);
        TAIL.setRelease(this, t + 1);                 // publishes the slot to consumers
        return true;
    }

    /**
     * The ring to write index {@code t} (the tail) into, grown if it was full and may grow, or
     * {@code null} if it is full for good. Owner only.
     */
    private Object[] withRoomAt(long t) {
        Object[] a = slots;                            // only we write slots
        if (t - headSeen >= a.length) {
            // Looks full by our last reading of head (a lower bound): read the takers' line only now.
            long h = (long) HEAD.getAcquire(this);
            headSeen = h;
            if (t - h >= a.length) {
                if (a.length >= maxCapacity) {
                    return null;
                }
                a = grow(a, h, t);
            }
        }
        return a;
    }

    /**
     * Appends an item like {@link #offer}, publishing it with an atomic exchange after
     * {@code tail} (see the class invariants): on return the item is visible and every write of
     * the calling thread before this call is ordered before its reads after it (a full fence), so
     * a caller that must fence after publishing (to read who is idle) need not fence again.
     * <b>Owner thread only.</b>
     *
     * @return {@code false} if the ring is full (nothing was written, no fence was made)
     */
    public boolean offerFenced(T item) {
        long t = (long) TAIL.getOpaque(this);          // only we write tail
        Object[] a = withRoomAt(t);
        if (a == null) {
            return false;
        }
        int i = (int) (t & (a.length - 1));
        if (SLOT.getOpaque(a, i) != null) {
            // the item of index t - capacity, claimed, its taker not done clearing: a taker that
            // reads our tail must not find it there
            SLOT.setOpaque(a, i, null);
        }
        TAIL.setRelease(this, t + 1);                  // orders the emptying before it
        SLOT.getAndSet(a, i, item);                    // publishes the item; a full fence
        return true;
    }

    /**
     * Replaces a grown ring by one of the initial size if it is empty, so that a burst (a deep
     * fan-out grows a worker's ring to a million slots, 4 MB) does not hold that memory for good.
     * <b>Producer only</b> (the owner, or the holder of a submission ring's lock). Not done on
     * every drain: a ring that is drained and refilled many times a second (B2, one tree after the
     * other) would reallocate its large arrays each time — G1 allocates them outside the young
     * generation, and the extra collections cost B2 a tenth of its throughput. The scheduler trims
     * rings once a worker has been idle for a while.
     *
     * @return whether the ring was replaced
     */
    public boolean trimIfEmpty() {
        Object[] a = slots;                            // only the producer writes slots
        if (a.length == initialCapacity) {
            return false;
        }
        long t = (long) TAIL.getOpaque(this);
        long h = (long) HEAD.getAcquire(this);
        headSeen = h;
        if (h != t) {
            return false;
        }
        SLOTS.setRelease(this, new Object[initialCapacity]);
        return true;
    }

    /** Whether this ring has grown beyond its initial size (a hint for the producer). */
    public boolean isGrown() {
        return slots().length > initialCapacity;
    }

    /** Doubles the ring, keeping every item at its index; see the class invariants. Owner only. */
    private Object[] grow(Object[] old, long h, long t) {
        Object[] bigger = new Object[old.length * 2];
        int oldMask = old.length - 1;
        int newMask = bigger.length - 1;
        for (long i = h; i < t; i++) {
            bigger[(int) (i & newMask)] = SLOT.getAcquire(old, (int) (i & oldMask));
        }
        SLOTS.setRelease(this, bigger);
        return bigger;
    }

    /**
     * Drops claimed items' references from the array they were read in and, if the ring grew
     * since, from the current one (one read of the current array for the whole batch).
     */
    private void clear(Object[] read, long from, Object[] items, int n) {
        Object[] now = slots();
        for (int i = 0; i < n; i++) {
            long index = from + i;
            SLOT.compareAndSet(read, (int) (index & (read.length - 1)), items[i], null);
            if (now != read) {
                SLOT.compareAndSet(now, (int) (index & (now.length - 1)), items[i], null);
            }
        }
    }

    private void clear(Object[] read, long index, Object item) {
        SLOT.compareAndSet(read, (int) (index & (read.length - 1)), item, null);
        Object[] now = slots();
        if (now != read) {
            SLOT.compareAndSet(now, (int) (index & (now.length - 1)), item, null);
        }
    }

    /** Removes the oldest item, or returns {@code null} if empty. Any thread. */
    public T poll() {
        while (true) {
            long h = (long) HEAD.getAcquire(this);
            long t = (long) TAIL.getAcquire(this);
            if (h >= t) {
                return null;
            }
            Object[] a = slots(); // after tail: holds every item below it (see the class invariants)
            @SuppressWarnings("unchecked")
            T item = (T) SLOT.getAcquire(a, (int) (h & (a.length - 1)));
            if (item == null) {
                if (h == t - 1) {
                    return null; // being published (offerFenced): visible in a moment
                }
                HEAD.compareAndSet(this, h, h + 1); // a lost item's empty slot: skip it
                continue;
            }
            if (HEAD.compareAndSet(this, h, h + 1)) {
                clear(a, h, item); // drop our reference; fails harmlessly if the slot was reused
                return item;
            }
        }
    }

    /**
     * Removes the oldest item, or returns {@code null} if empty. <b>Owner thread only.</b> Like
     * {@link #poll} but it clears its slot with a plain store instead of a CAS: the owner is the
     * only thread that refills slots, so nothing can have been written there since its claim
     * (a thief clearing an older item from the same slot compares against that item and fails).
     * One CAS per item instead of two on the path every task of a worker's own queue takes.
     */
    public T pollOwned() {
        while (true) {
            long h = (long) HEAD.getAcquire(this);
            long t = (long) TAIL.getOpaque(this);       // only we write tail
            Object[] a = slots;                         // only we write slots
            if (h >= t) {
                return null;
            }
            int i = (int) (h & (a.length - 1));
            @SuppressWarnings("unchecked")
            T item = (T) a[i];                          // we wrote it
            if (item == null) {
                // nothing of ours is being published (we are the publisher): a lost item's empty slot
                HEAD.compareAndSet(this, h, h + 1);
                continue;
            }
            if (HEAD.compareAndSet(this, h, h + 1)) {
                SLOT.setOpaque(a, i, null);
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
        Object[] a = slots();
        @SuppressWarnings("unchecked")
        T item = (T) SLOT.getAcquire(a, (int) (h & (a.length - 1)));
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
            Object[] a = slots();
            int mask = a.length - 1;
            Object[] claimed = new Object[n];
            int found = 0;
            while (found < n && (claimed[found] = SLOT.getAcquire(a, (int) ((h + found) & mask))) != null) {
                found++;
            }
            if (found == 0) {
                if (h == t - 1) {
                    return null; // being published (offerFenced): visible in a moment
                }
                HEAD.compareAndSet(this, h, h + 1); // a lost item's empty slot: skip it
                continue;
            }
            n = found; // the batch ends before an empty slot (being published, or a lost item's)
            if (HEAD.compareAndSet(this, h, h + n)) {
                clear(a, h, claimed, n);
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
