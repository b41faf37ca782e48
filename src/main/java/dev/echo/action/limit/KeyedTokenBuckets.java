package dev.echo.action.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One {@link TokenBucket} state per key (for example per function and caller), taken without a
 * lock: each key's {@code tat} is one {@code AtomicLong}.
 *
 * <p>Invariants: a cell's {@code tat} only moves through a CAS from the value the decision was made
 * on, so two concurrent takers can never both take the last place; a refusal changes nothing. A
 * cell that is full ({@link TokenBucket#isFull}) is the same as no cell, so cells are dropped then:
 * memory is bounded by the keys active within their bucket's duration (about a hundred bytes each).
 * The sweep runs when the map has doubled since the last one; {@code sweepAt} is read and written
 * racily on purpose (a sweep more or less changes no decision).
 *
 * @param <K> the key (a record with {@code equals}/{@code hashCode})
 */
public final class KeyedTokenBuckets<K> {

    /**
     * What {@link #acquire} decided.
     *
     * @param waitNanos zero when a place was taken; otherwise how long before one more fits
     * @param giveBack  returns the place taken (a submission refused later for another reason); a no-op when refused
     */
    public record Taken(long waitNanos, Runnable giveBack) {
        public boolean taken() {
            return waitNanos == 0;
        }
    }

    private static final Runnable NOTHING = () -> { };

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<K, AtomicLong> cells = new ConcurrentHashMap<>();
    private volatile int sweepAt = 1024;

    /** @param nanoClock {@code System::nanoTime}, or a moved clock in tests */
    public KeyedTokenBuckets(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes a place in {@code key}'s bucket of rate {@code bucket}, or says how long until one fits (taking nothing). */
    public Taken acquire(K key, TokenBucket bucket) {
        AtomicLong tat = cells.computeIfAbsent(key, k -> new AtomicLong(TokenBucket.EMPTY));
        long interval = bucket.intervalNanos();
        while (true) {
            long now = nanoClock.getAsLong();
            long current = tat.get();
            long wait = bucket.waitNanos(current, now);
            if (wait > 0) {
                return new Taken(wait, NOTHING);
            }
            if (tat.compareAndSet(current, bucket.take(current, now))) {
                // a sweep may have dropped this cell between the look-up and the CAS: put it back, or
                // move to the cell another taker created meanwhile (undoing ours)
                AtomicLong mapped = cells.putIfAbsent(key, tat);
                if (mapped != null && mapped != tat) {
                    tat.addAndGet(-interval);
                    tat = mapped;
                    continue;
                }
                sweepIfLarge(bucket, now);
                AtomicLong taken = tat;
                return new Taken(0, () -> taken.addAndGet(-interval));
            }
        }
    }

    private void sweepIfLarge(TokenBucket bucket, long now) {
        if (cells.size() < sweepAt) {
            return;
        }
        // a full cell changes no decision when dropped (acquire puts back a cell it updated after the
        // sweep looked at it); every bucket's full test is the same comparison with now
        cells.values().removeIf(t -> bucket.isFull(t.get(), now));
        sweepAt = Math.max(1024, cells.size() * 2);
    }

    /** How many keys have a cell now (for tests: memory stays bounded). */
    public int cellCount() {
        return cells.size();
    }
}
