package dev.echo.action;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A bounded in-memory {@link ActionQueue}. Not on a hot path (one entry per action, not per
 * task), so one lock keeps it simple.
 *
 * <p>Invariants (all guarded by {@code lock}): every accepted, unacknowledged action is in
 * exactly one of {@code ready} or {@code inFlight}; {@code byKey} maps the idempotency key of
 * each of them to its id; {@code ready.size() + inFlight.size() <= capacity}.
 */
public final class InMemoryActionQueue implements ActionQueue {

    private final int capacity;
    private final long redeliveryNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Deque<Entry> ready = new ArrayDeque<>();
    private final Map<Entry, Long> inFlight = new HashMap<>(); // entry -> redelivery deadline
    private final Map<String, String> byKey = new HashMap<>();

    private static final class Entry {
        final Action action;
        int deliveries;

        Entry(Action action) {
            this.action = action;
        }
    }

    /**
     * @param capacity           most actions accepted and not yet acknowledged
     * @param redeliveryTimeout  an unacknowledged delivery is redelivered after this
     */
    public InMemoryActionQueue(int capacity, Duration redeliveryTimeout) {
        this(capacity, redeliveryTimeout, System::nanoTime);
    }

    /** @param clock nanosecond clock (injectable for tests) */
    public InMemoryActionQueue(int capacity, Duration redeliveryTimeout, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("action queue capacity must be at least 1, was " + capacity);
        }
        if (redeliveryTimeout.isNegative() || redeliveryTimeout.isZero()) {
            throw new IllegalArgumentException("redelivery timeout must be positive, was " + redeliveryTimeout);
        }
        this.capacity = capacity;
        this.redeliveryNanos = redeliveryTimeout.toNanos();
        this.clock = clock;
    }

    @Override
    public Receipt offer(Action action) {
        lock.lock();
        try {
            String key = action.metadata().idempotencyKey();
            if (key != null && byKey.containsKey(key)) {
                return new Receipt(byKey.get(key), true);
            }
            if (ready.size() + inFlight.size() >= capacity) {
                throw new QueueFullException("the action queue is full (capacity " + capacity + "); action "
                        + action.id() + " was not accepted");
            }
            ready.addLast(new Entry(action));
            if (key != null) {
                byKey.put(key, action.id());
            }
            notEmpty.signal();
            return new Receipt(action.id(), false);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Delivery> poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                requeueExpired();
                Entry e = ready.pollFirst();
                if (e != null) {
                    e.deliveries++;
                    inFlight.put(e, clock.getAsLong() + redeliveryNanos);
                    return Optional.of(new InMemoryDelivery(e));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                // wake for the earliest redelivery too
                long wait = Math.min(left, inFlight.isEmpty() ? left : Math.max(1, nextExpiry() - clock.getAsLong()));
                notEmpty.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    private long nextExpiry() {
        long min = Long.MAX_VALUE;
        for (long d : inFlight.values()) {
            min = Math.min(min, d);
        }
        return min;
    }

    private void requeueExpired() {
        long now = clock.getAsLong();
        for (Iterator<Map.Entry<Entry, Long>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Entry, Long> e = it.next();
            if (now - e.getValue() >= 0) {
                it.remove();
                ready.addFirst(e.getKey()); // redeliveries go first: they are the oldest
            }
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return ready.size() + inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    private final class InMemoryDelivery implements Delivery {
        private final Entry entry;

        InMemoryDelivery(Entry entry) {
            this.entry = entry;
        }

        @Override
        public Action action() {
            return entry.action;
        }

        @Override
        public int deliveryCount() {
            return entry.deliveries;
        }

        @Override
        public void ack() {
            lock.lock();
            try {
                if (inFlight.remove(entry) != null) {
                    String key = entry.action.metadata().idempotencyKey();
                    if (key != null) {
                        byKey.remove(key);
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void nack() {
            lock.lock();
            try {
                if (inFlight.remove(entry) != null) {
                    ready.addFirst(entry);
                    notEmpty.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
