package dev.echo.action.cache;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The results of idempotent functions, kept for reuse ({@code echo.actions.function.<name>.cache-for}):
 * one entry per function, caller and content (its {@link CanonicalJson#digest}), holding a
 * SUCCEEDED result until its own expiry. Results never cross callers: the caller is part of the key.
 *
 * <p>Memory is bounded by {@code maxBytes} of estimated weight (the caller's estimate of the
 * result plus the key): when a new entry would pass it, the oldest entries go first; an entry
 * heavier than the whole bound is not kept. Expired entries go when met (a look-up, or the
 * oldest-first walk of a put).
 *
 * <p>Invariants, all under this object's monitor (a look-up per submission of a cached function,
 * a put per run that invoked it: far from the scheduler's hot path, and the section is a map
 * operation): {@code bytes} is the sum of the kept entries' weights and never passes
 * {@code maxBytes} after a put returns; {@code entries} is in insertion order (a put of a key
 * already kept moves it to the newest end).
 */
public final class ResultCache {

    /**
     * Where a result is kept.
     *
     * @param function the function's name
     * @param caller   who submitted (never shared between callers)
     * @param content  the content's {@link CanonicalJson#digest}
     */
    public record Key(String function, String caller, String content) {
        public Key {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(content, "content");
        }

        long weight() {
            return KEY_OVERHEAD_BYTES + 2L * (function.length() + caller.length() + content.length());
        }
    }

    /** A result found: {@code result} may be {@code null} (a function that returned nothing). */
    public record Hit(Object result) {
    }

    private record Entry(Object result, long weight, long expiresAt) {
    }

    /** The map entry, the key and entry objects around a kept result. */
    static final long KEY_OVERHEAD_BYTES = 160;

    private final long maxBytes;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    /**
     * @param maxBytes  the bound on the kept entries' estimated weight ({@code echo.actions.cache-bytes})
     * @param nanoClock {@code System::nanoTime}, or a moved clock in tests
     */
    public ResultCache(long maxBytes, LongSupplier nanoClock) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the cache's bound must not be negative, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The result kept under {@code key}, unless there is none or it expired. */
    public synchronized Optional<Hit> get(Key key) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.expiresAt() - nanoClock.getAsLong() <= 0) {
            remove(key);
            return Optional.empty();
        }
        return Optional.of(new Hit(e.result()));
    }

    /**
     * Keeps {@code result} under {@code key} for {@code ttl}, replacing what was there.
     *
     * @param resultWeight the result's estimated bytes (the caller knows how it is written)
     */
    public synchronized void put(Key key, Object result, long resultWeight, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        long weight = resultWeight + key.weight();
        remove(key);
        if (weight > maxBytes) {
            return;
        }
        long now = nanoClock.getAsLong();
        Iterator<Map.Entry<Key, Entry>> oldest = entries.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<Key, Entry> o = oldest.next();
            boolean expired = o.getValue().expiresAt() - now <= 0;
            if (!expired && bytes + weight <= maxBytes) {
                break;
            }
            bytes -= o.getValue().weight();
            oldest.remove();
        }
        long nanos = ttl.compareTo(Duration.ofDays(36500)) > 0 ? Duration.ofDays(36500).toNanos() : ttl.toNanos();
        entries.put(key, new Entry(result, weight, now + nanos));
        bytes += weight;
    }

    private void remove(Key key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.weight();
        }
    }

    /** The kept entries' estimated weight. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many entries are kept (expired ones not yet met included). */
    public synchronized int size() {
        return entries.size();
    }
}
