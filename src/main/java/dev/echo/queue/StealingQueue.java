package dev.echo.queue;

import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generic priority work-stealing structure: for each priority level, one global injector
 * (unbounded, lock-free, FIFO) and one bounded {@link LocalQueue} per worker. It knows nothing
 * about threads, tasks or time: callers say which worker they are and which level an item has.
 *
 * <h2>Where items go</h2>
 * <ul>
 *   <li>{@link #inject} (any thread) appends to the level's injector.</li>
 *   <li>{@link #push} (worker {@code w} only) appends to {@code w}'s local queue of that level,
 *       spilling to the injector when the local ring is full.</li>
 * </ul>
 *
 * <h2>Where a worker looks ({@link #poll})</h2>
 * Level by level, most urgent first: its own local queue, the injector, then the other workers'
 * local queues of that level (stealing half of the first non-empty one). So a worker never takes
 * a lower-level item while a higher-level one is visible anywhere, whichever queue holds it.
 *
 * <h2>Invariants</h2>
 * Every item offered is in exactly one queue until exactly one {@code poll}/{@code steal}/
 * {@link #drainTo} returns it; moving a stolen batch keeps that (the batch is claimed atomically
 * by {@link LocalQueue#stealHalfInto}). The structure holds no lock; the injectors are JCTools'
 * {@link MpmcUnboundedXaddArrayQueue} (lock-free, array chunks: 4 bytes a queued item instead of
 * a linked node, which matters when a million tasks are queued).
 *
 * @param <T> the item type
 */
public final class StealingQueue<T> {

    /** Slots per chunk of an injector (chunks are linked and recycled as the queue grows). */
    private static final int INJECTOR_CHUNK = 1024;

    /** Largest batch a thief takes from one victim at once. */
    private static final int MAX_STEAL_BATCH = 32;

    private final int workers;
    private final int levels;
    private final List<Queue<T>> injectors;
    /** locals[level][worker]. */
    private final LocalQueue<T>[][] locals;

    /**
     * @param workers       number of workers (owners of local queues), at least 1
     * @param levels        number of priority levels, at least 1
     * @param localCapacity capacity of each local ring, a power of two
     */
    @SuppressWarnings("unchecked")
    public StealingQueue(int workers, int levels, int localCapacity) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        if (levels < 1) {
            throw new IllegalArgumentException("levels must be >= 1, was " + levels);
        }
        this.workers = workers;
        this.levels = levels;
        this.injectors = new ArrayList<>(levels);
        this.locals = new LocalQueue[levels][workers];
        for (int l = 0; l < levels; l++) {
            injectors.add(new MpmcUnboundedXaddArrayQueue<>(INJECTOR_CHUNK));
            for (int w = 0; w < workers; w++) {
                locals[l][w] = new LocalQueue<>(localCapacity);
            }
        }
    }

    public int workers() {
        return workers;
    }

    public int levels() {
        return levels;
    }

    /** Appends to the global injector of {@code level}. Any thread. */
    public void inject(int level, T item) {
        injectors.get(level).offer(item);
    }

    /**
     * Appends to {@code worker}'s local queue of {@code level}; spills to the injector if the
     * ring is full. <b>Only the thread acting as {@code worker} may call this.</b>
     *
     * @return {@code true} if the item went to the local queue, {@code false} if it spilled
     */
    public boolean push(int worker, int level, T item) {
        if (locals[level][worker].offer(item)) {
            return true;
        }
        injectors.get(level).offer(item);
        return false;
    }

    /**
     * Takes the most urgent item visible to {@code worker}: its local queue, then the injector,
     * then a steal, for each level in turn. Returns {@code null} if nothing is visible.
     * <b>Only the thread acting as {@code worker} may call this</b> (a steal refills its queue).
     *
     * @param stealObserver told of each successful steal (for metrics); may be {@code null}
     */
    public T poll(int worker, StealObserver stealObserver) {
        for (int level = 0; level < levels; level++) {
            T item = pollLevel(worker, level, stealObserver);
            if (item != null) {
                return item;
            }
        }
        return null;
    }

    /**
     * For a thread that owns no local queue (a helper): the most urgent item of the injectors or
     * of any worker's local queue, one at a time (nothing is moved: the helper has nowhere to put
     * a batch). Any thread.
     */
    public T pollHelper(StealObserver stealObserver, int helper) {
        for (int level = 0; level < levels; level++) {
            T item = injectors.get(level).poll();
            if (item != null) {
                return item;
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
        }
        return null;
    }

    /** Like {@link #poll} but for one level only. <b>Owner thread only.</b> */
    public T pollLevel(int worker, int level, StealObserver stealObserver) {
        T item = locals[level][worker].poll();
        if (item != null) {
            return item;
        }
        item = injectors.get(level).poll();
        if (item != null) {
            return item;
        }
        return steal(worker, level, stealObserver);
    }

    /** Takes the oldest item of {@code worker}'s local queue of {@code level} only. Any thread. */
    public T pollLocal(int worker, int level) {
        return locals[level][worker].poll();
    }

    /** Takes the oldest item of the injector of {@code level} only. Any thread. */
    public T pollInjector(int level) {
        return injectors.get(level).poll();
    }

    /** The oldest item of {@code worker}'s local queue of {@code level}, without taking it. */
    public T peekLocal(int worker, int level) {
        return locals[level][worker].peek();
    }

    /** The oldest item of the injector of {@code level}, without taking it. */
    public T peekInjector(int level) {
        return injectors.get(level).peek();
    }

    private T steal(int thief, int level, StealObserver stealObserver) {
        if (workers == 1) {
            return null;
        }
        LocalQueue<T> own = locals[level][thief];
        int start = ThreadLocalRandom.current().nextInt(workers);
        for (int i = 0; i < workers; i++) {
            int victim = (start + i) % workers;
            if (victim == thief) {
                continue;
            }
            LocalQueue<T> source = locals[level][victim];
            if (source.isEmpty()) {
                continue;
            }
            int[] moved = {1};
            T item = source.stealHalfInto(stolen -> {
                moved[0]++;
                if (!own.offer(stolen)) {
                    injectors.get(level).offer(stolen);
                }
            }, MAX_STEAL_BATCH);
            if (item != null) {
                if (stealObserver != null) {
                    stealObserver.stole(thief, victim, level, moved[0]);
                }
                return item;
            }
        }
        return null;
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
        if (!injectors.get(level).isEmpty()) {
            return false;
        }
        for (LocalQueue<T> q : locals[level]) {
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
            while ((item = injectors.get(level).poll()) != null) {
                sink.accept(item);
                n++;
            }
            for (LocalQueue<T> q : locals[level]) {
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
