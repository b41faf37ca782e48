package dev.echo.cdi.action;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Per-caller rate limits of action functions, checked when a submission is accepted:
 * {@code echo.actions.function.<name>.rate-limit = <count>/<duration>} (for example
 * {@code 100/PT1S}), declared by the server, read once when the plan is built.
 *
 * <p>Each (function, caller) pair is a GCRA cell (the generic cell rate algorithm, a token bucket
 * kept as one number): the theoretical arrival time {@code tat} of the next submission, with
 * emission interval {@code T = duration / count} and burst tolerance {@code duration - T}. A
 * submission at {@code now} is accepted when {@code max(tat, now) - now <= duration - T} and
 * moves {@code tat} on by {@code T}: a caller may submit {@code count} at once, the next one
 * {@code T} later, and after a quiet {@code duration} again {@code count} at once. A refusal
 * names the wait until one more fits.
 *
 * <p>Invariants: a cell's {@code tat} only moves through a CAS from the value the decision was made
 * on, so two concurrent submissions can never both take the last place; a refusal changes
 * nothing. A cell whose {@code tat} is at or before now is the same as no cell (a full bucket),
 * so cells are dropped then: memory is bounded by the pairs active within their limit's duration
 * (about a hundred bytes each). The sweep runs when the map has doubled since the last one.
 */
final class RateLimits {

    static final String PREFIX = "echo.actions.function.";
    static final String SUFFIX = ".rate-limit";
    private static final long MAX_COUNT = 1_000_000_000L;

    /** One function's limit. */
    record Limit(long count, Duration per) {
        long intervalNanos() {
            return Math.max(1, per.toNanos() / count);
        }

        long toleranceNanos() {
            return per.toNanos() - intervalNanos();
        }

        String text() {
            return count + "/" + per;
        }
    }

    private record Cell(String function, String caller) {
    }

    private final Map<String, Limit> limits;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Cell, AtomicLong> cells = new ConcurrentHashMap<>();
    /** Map size that triggers the next sweep (racy on purpose: a sweep more or less changes nothing). */
    private volatile int sweepAt = 1024;

    RateLimits(Map<String, Limit> limits, LongSupplier nanoClock) {
        this.limits = Map.copyOf(limits);
        this.nanoClock = nanoClock;
    }

    /** The limits of {@code functions} from the application's configuration; a bad value fails naming its key. */
    static RateLimits of(Collection<String> functions, Function<String, Optional<String>> config) {
        Map<String, Limit> limits = new java.util.HashMap<>();
        for (String function : functions) {
            String key = PREFIX + function + SUFFIX;
            config.apply(key).map(String::strip).filter(v -> !v.isEmpty()).ifPresent(v -> limits.put(function, parse(key, v)));
        }
        return new RateLimits(limits, System::nanoTime);
    }

    static Limit parse(String key, String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(key + " must be <count>/<ISO-8601 duration> (for example 100/PT1S), was '" + value + "'");
        }
        long count;
        Duration per;
        try {
            count = Long.parseLong(value.substring(0, slash).strip());
            per = Duration.parse(value.substring(slash + 1).strip());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be <count>/<ISO-8601 duration> (for example 100/PT1S), was '" + value + "'", e);
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException(key + ": the count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        if (per.isNegative() || per.isZero() || per.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException(key + ": the duration must be more than zero and at most 365 days, was " + per);
        }
        return new Limit(count, per);
    }

    Optional<Limit> limitOf(String function) {
        return Optional.ofNullable(limits.get(function));
    }

    /**
     * Takes a place for one submission of {@code function} by {@code caller}, or throws.
     *
     * @return what gives the place back if the submission is refused later for another reason
     * @throws ActionRateLimitedException over the limit: nothing changed
     */
    Runnable acquire(String function, String caller) {
        Limit limit = limits.get(function);
        if (limit == null) {
            return () -> { };
        }
        Cell key = new Cell(function, caller);
        AtomicLong tat = cells.computeIfAbsent(key, c -> new AtomicLong(Long.MIN_VALUE));
        long interval = limit.intervalNanos();
        while (true) {
            long now = nanoClock.getAsLong();
            long current = tat.get();
            long start = current == Long.MIN_VALUE || current - now < 0 ? now : current;
            long wait = start - now - limit.toleranceNanos();
            if (wait > 0) {
                throw new ActionRateLimitedException(function, limit.text(), Duration.ofNanos(wait));
            }
            if (tat.compareAndSet(current, start + interval)) {
                // a sweep may have dropped this cell between the look-up and the CAS: put it back, or
                // move to the cell another submission created meanwhile (undoing ours)
                AtomicLong mapped = cells.putIfAbsent(key, tat);
                if (mapped != null && mapped != tat) {
                    tat.addAndGet(-interval);
                    tat = mapped;
                    continue;
                }
                sweepIfLarge(now);
                AtomicLong taken = tat;
                return () -> taken.addAndGet(-interval);
            }
        }
    }

    private void sweepIfLarge(long now) {
        if (cells.size() < sweepAt) {
            return;
        }
        // a cell at or before now is a full bucket: dropping it changes no decision (acquire puts
        // back a cell it updated after the sweep looked at it)
        cells.values().removeIf(t -> t.get() == Long.MIN_VALUE || t.get() - now <= 0);
        sweepAt = Math.max(1024, cells.size() * 2);
    }

    int cellCount() {
        return cells.size();
    }
}
