package dev.echo.queue;


import java.util.concurrent.ThreadLocalRandom;

/**
 * The generic priority work-stealing structure. For each priority level: one queue per worker and
 * a few submission queues for threads that are not workers, each a growing ring with a spill queue
 * behind it ({@link SpillingRing}: FIFO even past the ring's largest size). It knows nothing about
 * threads, tasks or time: callers say which worker (or which outside thread) they are and which
 * level an item has.
 *
 * <h2>Where items go</h2>
 * <ul>
 *   <li>{@link #inject} (any thread) appends to the submission queue of the calling thread (by its
 *       id) under that queue's tiny lock — one uncontended CAS when each submitter has one of its
 *       own. A thread always uses the same queue, so its items of one level leave in its order.</li>
 *   <li>{@link #push} (worker {@code w} only) appends to {@code w}'s queue of that level.</li>
 * </ul>
 *
 * <h2>Where a worker looks ({@link #poll})</h2>
 * Level by level, most urgent first: its own queue, the submission queues (taking half of a
 * non-empty ring into its own queue: the ring it took from last if it still has items, else one
 * no other worker is taking from, else any — see {@link #takeSubmitted}), then the other
 * workers' queues of that level (likewise). So a worker never takes a lower-level item while a
 * higher-level one is visible anywhere, whichever queue holds it. Outside submitters used to share one multi-consumer
 * injector, and two workers taking one task at a time from it spent a quarter of B1 on its
 * indices; a submission ring is emptied in batches.
 *
 * <h2>Invariants</h2>
 * Every item offered is in exactly one queue until exactly one {@code poll}/{@code steal}/
 * {@link #drainTo} returns it; moving a stolen batch keeps that (the batch is claimed atomically
 * by {@link LocalQueue#stealHalfInto}). A submission queue has one producer at a time: its
 * {@code lock} (a CAS from 0 to 1, released by a release store) is held for each offer, which
 * also orders one producer's writes before the next one's. Takers take no lock. Which ring a
 * worker takes from first ({@code submitCursor}, {@code ringTakers}) is only a preference: a
 * worker that finds every non-empty ring claimed by others still takes from one, so no claim
 * ever hides an item.
 *
 * <h2>Level hints</h2>
 * {@code hints[level]} is 1 when the level may hold an item in any queue, 0 when a scan found it
 * empty; a worker's {@link #poll} skips the shared part of a level whose hint is 0 (in a pool that
 * uses one priority, the other two cost one read each instead of a look at every queue). No item
 * is ever hidden: a producer publishes its item, then a full fence, then sets the hint if it reads
 * 0 (a worker's {@link #push} into its ring publishes with an atomic exchange, which is that
 * fence: {@link LocalQueue#offerFenced}); a worker clears a hint with a CAS (a full fence too) and then looks at every queue of the
 * level, setting the hint again if it sees anything ({@link #clearHintsIfEmpty}). Either the
 * producer reads the hint after the clear (and sets it), or its item was published before the
 * clear and the worker's look finds it. Hints are cleared only on the way to idling, so a busy
 * level's hint stays 1 and costs no writes.
 *
 * @param <T> the item type
 */
public final class StealingQueue<T> {

    /** Largest batch a thief takes from one victim at once. */
    private static final int MAX_STEAL_BATCH = 32;

    private final int workers;
    private final int levels;
    /** locals[level][worker]. */
    private final SpillingRing<T>[][] locals;
    /** submissions[level][ring]: the queues outside threads offer to (see {@link #inject}). */
    private final SpillingRing<T>[][] submissions;
    /** One producer lock per ring index (all levels): 0 free, 1 held. */
    private final java.util.concurrent.atomic.AtomicIntegerArray submitLocks;
    private final int ringMask;
    /** hints[(level + 1) * HINT_STRIDE]: see the class comment. Padded: one cache line each. */
    private final java.util.concurrent.atomic.AtomicIntegerArray hints;
    private static final int HINT_STRIDE = 16;
    /**
     * submitCursor[(worker + 1) * CURSOR_STRIDE]: the submission ring the worker last took from
     * ({@link #takeSubmitted}), where its next look starts. Each cell is written and read by its
     * worker only (plain int); padded so that two workers' cells share no cache line.
     */
    private final int[] submitCursor;
    private static final int CURSOR_STRIDE = 16;
    /**
     * ringTakers[(ring + 1) * CURSOR_STRIDE]: the worker (index + 1) that last took a batch from
     * that submission ring and has not moved on, or 0. Only a preference for
     * {@link #takeSubmitted} (opaque reads and writes; two workers may both claim a ring, the
     * last write wins); no item depends on it.
     */
    private final java.util.concurrent.atomic.AtomicIntegerArray ringTakers;

    /**
     * @param workers       number of workers (owners of local queues), at least 1
     * @param levels        number of priority levels, at least 1
     * @param localCapacity capacity of each local ring, a power of two
     */
    public StealingQueue(int workers, int levels, int localCapacity) {
        this(workers, levels, localCapacity, localCapacity);
    }

    /**
     * @param workers          number of workers (owners of local queues), at least 1
     * @param levels           number of priority levels, at least 1
     * @param localCapacity    initial capacity of each local ring, a power of two
     * @param maxLocalCapacity how far a local ring may grow before pushes go to its spill queue
     */
    @SuppressWarnings("unchecked")
    public StealingQueue(int workers, int levels, int localCapacity, int maxLocalCapacity) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        if (levels < 1) {
            throw new IllegalArgumentException("levels must be >= 1, was " + levels);
        }
        this.workers = workers;
        this.levels = levels;
        this.locals = new SpillingRing[levels][workers];
        int rings = Integer.highestOneBit(Math.max(4, 2 * workers) - 1) << 1; // a power of two >= 2 x workers
        this.ringMask = rings - 1;
        this.submissions = new SpillingRing[levels][rings];
        // padded: each ring's lock on a cache line of its own (16 ints apart)
        // one stride more than used, the cells start a stride in: no cell shares a line with the
        // array's header or a neighbouring object
        this.submitLocks = new java.util.concurrent.atomic.AtomicIntegerArray((rings + 2) * LOCK_STRIDE);
        this.hints = new java.util.concurrent.atomic.AtomicIntegerArray((levels + 2) * HINT_STRIDE);
        this.submitCursor = new int[(workers + 2) * CURSOR_STRIDE];
        this.ringTakers = new java.util.concurrent.atomic.AtomicIntegerArray((rings + 2) * CURSOR_STRIDE);
        for (int w = 0; w < workers; w++) {
            // spread the workers' first looks over the rings
            submitCursor[(w + 1) * CURSOR_STRIDE] = (int) ((long) w * rings / workers) & ringMask;
        }
        for (int l = 0; l < levels; l++) {
            for (int w = 0; w < workers; w++) {
                locals[l][w] = new SpillingRing<>(localCapacity, maxLocalCapacity);
            }
            for (int r = 0; r < rings; r++) {
                submissions[l][r] = new SpillingRing<>(localCapacity, Math.max(maxLocalCapacity, MAX_SUBMISSION_RING));
            }
        }
    }

    public int workers() {
        return workers;
    }

    public int levels() {
        return levels;
    }

    private static final int LOCK_STRIDE = 16;

    /**
     * How far a submission ring grows before outside submissions go to its spill queue: a burst of
     * tens of thousands from one thread stays in its ring (taken in batches). 4 bytes a slot, like
     * the spill queue's chunks; a grown ring keeps its size.
     */
    static final int MAX_SUBMISSION_RING = 1 << 16;

    /** Appends an item from a thread that is not a worker, to its submission queue. Any thread. */
    public void inject(int level, T item) {
        inject(level, item, ADMIT_ALL);
    }

    /**
     * Decides, under a submission ring's lock, whether an outside item may be queued: the caller's
     * acceptance check and bookkeeping, kept per ring so that a submitter touches no shared
     * counter (see {@link #inject(int, Object, Admission)}).
     */
    @FunctionalInterface
    public interface Admission {
        /** @return whether the item is accepted; called with {@code ring}'s lock held */
        boolean admit(int ring, int level);

        /**
         * Like {@link #admit(int, int)}, also given the item (e.g. to stamp it under the lock);
         * this is the method {@link #inject(int, Object, Admission)} calls. Defaults to the other.
         *
         * @return whether the item is accepted; called with {@code ring}'s lock held
         */
        default boolean admit(int ring, int level, Object item) {
            return admit(ring, level);
        }
    }

    private static final Admission ADMIT_ALL = (ring, level) -> true;

    /**
     * Like {@link #inject(int, Object)}, asking {@code admission} first, under the chosen ring's
     * lock; nothing is queued when it refuses.
     *
     * @return whether the item was accepted and queued
     */
    public boolean inject(int level, T item, Admission admission) {
        // Always the thread's own queue, waiting while another thread holds it: moving on to a
        // free one would let this thread's later items overtake its earlier ones.
        int ring = ringOf(Thread.currentThread().getId());
        int lock = (ring + 1) * LOCK_STRIDE;
        while (!submitLocks.compareAndSet(lock, 0, 1)) {
            Thread.onSpinWait();
        }
        try {
            if (!admission.admit(ring, level, item)) {
                return false;
            }
            submissions[level][ring].offer(item);
        } finally {
            submitLocks.lazySet(lock, 0); // release: the next producer sees our writes
        }
        published(level);
        return true;
    }

    /** How many submission rings there are (ring indexes passed to an {@link Admission}). */
    public int rings() {
        return ringMask + 1;
    }

    /** Runs {@code action} holding {@code ring}'s lock (e.g. to take back what admissions kept there). Any thread. */
    public void withRingLocked(int ring, Runnable action) {
        int i = (ring + 1) * LOCK_STRIDE;
        while (!submitLocks.compareAndSet(i, 0, 1)) {
            Thread.onSpinWait();
        }
        try {
            action.run();
        } finally {
            submitLocks.lazySet(i, 0);
        }
    }

    private int ringOf(long threadId) {
        long h = threadId * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & ringMask;
    }

    /**
     * Appends to {@code worker}'s queue of {@code level} (its ring, or the spill queue behind it).
     * <b>Only the thread acting as {@code worker} may call this.</b>
     *
     * @return {@code true} if the item went to the ring, {@code false} if it spilled
     */
    public boolean push(int worker, int level, T item) {
        boolean inRing = locals[level][worker].offerFenced(item);
        if (inRing) {
            hint(level); // the ring's exchange was the full fence
        } else {
            published(level);
        }
        return inRing;
    }

    /**
     * After an item of {@code level} was published: a full fence, then the level's hint (see the
     * class comment). Callers may rely on a full fence after the item's publication: {@link #inject}
     * ends with this one, {@link #push} with this one or with its ring's exchange.
     */
    private void published(int level) {
        java.lang.invoke.VarHandle.fullFence();
        hint(level);
    }

    /** Sets the level's hint if it reads 0. Only after a full fence that follows the item's publication. */
    private void hint(int level) {
        int i = (level + 1) * HINT_STRIDE;
        if (hints.get(i) == 0) {
            hints.set(i, 1);
        }
    }

    /**
     * For a worker on its way to idling: clears the hint of every level whose queues are all
     * empty now (see the class comment); a level that shows an item keeps (or gets back) its hint.
     */
    public void clearHintsIfEmpty() {
        for (int level = 0; level < levels; level++) {
            int i = (level + 1) * HINT_STRIDE;
            if (hints.get(i) != 0 && hints.compareAndSet(i, 1, 0) && !isLevelEmpty(level)) {
                hints.set(i, 1);
            }
        }
    }

    /**
     * Takes the most urgent item visible to {@code worker}: its local queue, then the submission queues,
     * then a steal, for each level in turn. Returns {@code null} if nothing is visible.
     * <b>Only the thread acting as {@code worker} may call this</b> (a steal refills its queue).
     *
     * @param stealObserver told of each successful steal (for metrics); may be {@code null}
     */
    public T poll(int worker, StealObserver stealObserver) {
        for (int level = 0; level < levels; level++) {
            T item = locals[level][worker].pollOwned();
            if (item == null && hints.get((level + 1) * HINT_STRIDE) != 0) {
                item = pollShared(worker, level, stealObserver);
            }
            if (item != null) {
                return item;
            }
        }
        return null;
    }

    /**
     * For a thread that owns no local queue (a helper): the most urgent item of the submission
     * queues or of any worker's queue, one at a time (nothing is moved: the helper has nowhere to
     * put a batch). Any thread.
     */
    public T pollHelper(StealObserver stealObserver, int helper) {
        for (int level = 0; level < levels; level++) {
            T item = pollLevelHelper(level, stealObserver, helper);
            if (item != null) {
                return item;
            }
        }
        return null;
    }

    /**
     * Like {@link #pollHelper} for one level only: the oldest item of a submission queue of
     * {@code level}, else of a worker's queue of that level (nothing is moved). Any thread.
     */
    public T pollLevelHelper(int level, StealObserver stealObserver, int helper) {
        T item;
        for (SpillingRing<T> ring : submissions[level]) {
            item = ring.poll();
            if (item != null) {
                return item;
            }
        }
        int start = ThreadLocalRandom.current().nextInt(workers);
        for (int i = 0; i < workers; i++) {
            int victim = (start + i) % workers;
            item = locals[level][victim].poll();
            if (item != null) {
                if (stealObserver != null) {
                    stealObserver.stole(helper, victim, level, 1);
                }
                return item;
            }
        }
        return null;
    }

    /** Like {@link #poll} but for one level only. <b>Owner thread only.</b> */
    public T pollLevel(int worker, int level, StealObserver stealObserver) {
        T item = locals[level][worker].pollOwned();
        if (item != null) {
            return item;
        }
        return pollShared(worker, level, stealObserver);
    }

    /** The shared part of a level: the submission queues, the other workers' queues. */
    private T pollShared(int worker, int level, StealObserver stealObserver) {
        T item = takeSubmitted(worker, level);
        if (item != null) {
            return item;
        }
        return steal(worker, level, stealObserver);
    }

    /**
     * Moves half of a non-empty submission ring of {@code level} into {@code worker}'s queue.
     * Workers keep apart: a worker looks first at the ring it last took from, and takes from a
     * ring another worker is taking from only when no other ring has items. With one ring per
     * submitter each worker then serves its own submitter while there are several (as
     * ForkJoinPool's workers keep to one queue at a time): two workers at one ring's head touch
     * the same lines — the head, the slots, the submitter's objects — per task.
     */
    private T takeSubmitted(int worker, int level) {
        SpillingRing<T>[] rings = submissions[level];
        int start = submitCursor[(worker + 1) * CURSOR_STRIDE];
        int me = worker + 1;
        int shared = -1; // the first non-empty ring another worker is taking from
        for (int i = 0; i <= ringMask; i++) {
            int r = (start + i) & ringMask;
            if (rings[r].isEmpty()) {
                continue;
            }
            int taker = ringTakers.getOpaque((r + 1) * CURSOR_STRIDE);
            if (taker != 0 && taker != me) {
                if (shared < 0) {
                    shared = r;
                }
                continue;
            }
            T item = takeFrom(worker, level, r, me, true);
            if (item != null) {
                return item;
            }
        }
        // every ring with items has a taker: help at one without claiming it (claims that flip
        // between two workers would cost a line transfer per batch)
        return shared < 0 ? null : takeFrom(worker, level, shared, me, false);
    }

    private T takeFrom(int worker, int level, int r, int me, boolean claim) {
        T item = submissions[level][r].stealHalfInto(moveTo(worker, level), MAX_STEAL_BATCH);
        if (item == null) {
            return null;
        }
        if (claim) {
            claim(worker, r, me);
        }
        if (!locals[level][worker].isEmpty()) {
            published(level); // the batch is in our queue now: let the others see the level
        }
        return item;
    }

    /** {@code worker} keeps to ring {@code r} from now on: its cursor moves there, the ring it left is let go. */
    private void claim(int worker, int r, int me) {
        int cursorAt = (worker + 1) * CURSOR_STRIDE;
        int previous = submitCursor[cursorAt];
        if (previous != r) {
            int leftAt = (previous + 1) * CURSOR_STRIDE;
            if (ringTakers.getOpaque(leftAt) == me) {
                ringTakers.setOpaque(leftAt, 0);
            }
            submitCursor[cursorAt] = r;
        }
        int takerAt = (r + 1) * CURSOR_STRIDE;
        if (ringTakers.getOpaque(takerAt) != me) { // read first: a claimed ring costs no write per batch
            ringTakers.setOpaque(takerAt, me);
        }
    }

    /** Where a batch taken by {@code worker} goes: its own queue (behind what it holds). */
    private java.util.function.Consumer<T> moveTo(int worker, int level) {
        return locals[level][worker]::offer;
    }

    /**
     * Takes the oldest item of a submission queue of {@code level} whose head satisfies
     * {@code take} (e.g. "has waited long enough"), if any. Any thread.
     */
    public T pollSharedIf(int level, java.util.function.Predicate<? super T> take) {
        T head;
        for (SpillingRing<T> ring : submissions[level]) {
            head = ring.peek();
            if (head != null && take.test(head)) {
                T item = ring.poll();
                if (item != null) {
                    return item;
                }
            }
        }
        return null;
    }

    /** The oldest item of submission queue {@code ring} of {@code level}, without taking it. A hint. */
    public T peekSubmitted(int level, int ring) {
        return submissions[level][ring].peek();
    }

    /** Takes the oldest item of submission queue {@code ring} of {@code level} only. Any thread. */
    public T pollSubmitted(int level, int ring) {
        return submissions[level][ring].poll();
    }

    /** Takes the oldest item of {@code worker}'s queue of {@code level} only. Any thread. */
    public T pollLocal(int worker, int level) {
        return locals[level][worker].poll();
    }

    /** The oldest item of {@code worker}'s queue of {@code level}, without taking it. */
    public T peekLocal(int worker, int level) {
        return locals[level][worker].peek();
    }

    private T steal(int thief, int level, StealObserver stealObserver) {
        if (workers == 1) {
            return null;
        }
        SpillingRing<T> own = locals[level][thief];
        int start = ThreadLocalRandom.current().nextInt(workers);
        for (int i = 0; i < workers; i++) {
            int victim = (start + i) % workers;
            if (victim == thief) {
                continue;
            }
            SpillingRing<T> source = locals[level][victim];
            if (source.isEmpty()) {
                continue;
            }
            int[] moved = {1};
            T item = source.stealHalfInto(stolen -> {
                moved[0]++;
                own.offer(stolen);
            }, MAX_STEAL_BATCH);
            if (item != null) {
                if (moved[0] > 1) {
                    published(level); // the batch is in our queue now: let the others see the level
                }
                if (stealObserver != null) {
                    stealObserver.stole(thief, victim, level, moved[0]);
                }
                return item;
            }
        }
        return null;
    }

    /**
     * Whether any ring {@code worker} may trim has grown beyond its initial size: its own queues
     * or a submission queue. A hint.
     */
    public boolean hasGrownRings(int worker) {
        for (int level = 0; level < levels; level++) {
            if (locals[level][worker].isGrown()) {
                return true;
            }
            for (SpillingRing<T> ring : submissions[level]) {
                if (ring.isGrown()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Gives every empty, grown ring of {@code worker} and every empty, grown submission ring its
     * initial size back (each submission ring under its lock). <b>Only the thread acting as
     * {@code worker} may call this</b>; meant for a worker that has been idle for a while.
     *
     * @return how many rings were trimmed
     */
    public int trimIdle(int worker) {
        int trimmed = 0;
        for (int level = 0; level < levels; level++) {
            if (locals[level][worker].trimIfEmpty()) {
                trimmed++;
            }
        }
        for (int r = 0; r <= ringMask; r++) {
            int[] n = {0};
            int ring = r;
            withRingLocked(ring, () -> {
                for (int level = 0; level < levels; level++) {
                    if (submissions[level][ring].trimIfEmpty()) {
                        n[0]++;
                    }
                }
            });
            trimmed += n[0];
        }
        return trimmed;
    }

    /** The size of the largest ring now, of any queue (for tests and diagnostics). */
    public int largestRingCapacity() {
        int max = 0;
        for (int level = 0; level < levels; level++) {
            for (SpillingRing<T> q : locals[level]) {
                max = Math.max(max, q.capacity());
            }
            for (SpillingRing<T> q : submissions[level]) {
                max = Math.max(max, q.capacity());
            }
        }
        return max;
    }

    /** {@code true} if some item of any level is visible now. A hint under concurrency. */
    public boolean hasVisibleItems() {
        for (int level = 0; level < levels; level++) {
            if (!isLevelEmpty(level)) {
                return true;
            }
        }
        return false;
    }

    /** {@code true} if no item of {@code level} is visible now. A hint under concurrency. */
    public boolean isLevelEmpty(int level) {
        for (SpillingRing<T> q : submissions[level]) {
            if (!q.isEmpty()) {
                return false;
            }
        }
        for (SpillingRing<T> q : locals[level]) {
            if (!q.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes every visible item of every level, most urgent level first, and hands each to
     * {@code sink}. Any thread; used when the owner of the items is shutting down.
     *
     * @return how many items were drained
     */
    public int drainTo(java.util.function.Consumer<? super T> sink) {
        int n = 0;
        for (int level = 0; level < levels; level++) {
            T item;
            for (SpillingRing<T> q : submissions[level]) {
                while ((item = q.poll()) != null) {
                    sink.accept(item);
                    n++;
                }
            }
            for (SpillingRing<T> q : locals[level]) {
                while ((item = q.poll()) != null) {
                    sink.accept(item);
                    n++;
                }
            }
        }
        return n;
    }

    /** Told of a successful steal; implementations must be cheap and thread-safe. */
    @FunctionalInterface
    public interface StealObserver {
        void stole(int thief, int victim, int level, int items);
    }
}
