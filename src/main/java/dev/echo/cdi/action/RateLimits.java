package dev.echo.cdi.action;

import java.time.Duration;
import dev.echo.action.limit.KeyedTokenBuckets;
import dev.echo.action.limit.TokenBucket;
import dev.echo.cdi.action.function.FunctionSettings;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Per-caller rate limits of action functions, checked when a submission is accepted:
 * {@code echo.actions.function.<name>.rate-limit = <count>/<duration>} (for example
 * {@code 100/PT1S}), declared by the server, read once when the plan is built ({@link FunctionSettings}).
 *
 * <p>Each (function, caller) pair is a {@link TokenBucket} (GCRA: {@code count} at once, then one
 * per {@code duration / count}), kept by {@link KeyedTokenBuckets} without a lock; a refusal
 * changes nothing and names the wait until one more fits. The same bucket computation limits
 * how fast a server starts a function's attempts ({@code max-starts}, {@code StartLimit}).
 */
final class RateLimits {

    private record Cell(String function, String caller) {
    }

    private final Map<String, TokenBucket> limits;
    private final KeyedTokenBuckets<Cell> cells;

    RateLimits(Map<String, TokenBucket> limits, LongSupplier nanoClock) {
        this.limits = Map.copyOf(limits);
        this.cells = new KeyedTokenBuckets<>(nanoClock);
    }

    /** The limits of {@code functions} declared in {@code settings}. */
    static RateLimits of(Map<String, FunctionSettings> settings) {
        Map<String, TokenBucket> limits = new java.util.HashMap<>();
        settings.forEach((function, s) -> s.rateLimit().ifPresent(l -> limits.put(function, l)));
        return new RateLimits(limits, System::nanoTime);
    }

    /** The limits of {@code functions} from the application's configuration; a bad value fails naming its key. */
    static RateLimits of(Collection<String> functions, Function<String, Optional<String>> config) {
        return of(FunctionSettings.of(functions, config));
    }

    static TokenBucket parse(String key, String value) {
        return TokenBucket.parse(key, value);
    }

    Optional<TokenBucket> limitOf(String function) {
        return Optional.ofNullable(limits.get(function));
    }

    /**
     * Takes a place for one submission of {@code function} by {@code caller}, or throws.
     *
     * @return what gives the place back if the submission is refused later for another reason
     * @throws ActionRateLimitedException over the limit: nothing changed
     */
    Runnable acquire(String function, String caller) {
        TokenBucket limit = limits.get(function);
        if (limit == null) {
            return () -> { };
        }
        KeyedTokenBuckets.Taken taken = cells.acquire(new Cell(function, caller), limit);
        if (!taken.taken()) {
            throw new ActionRateLimitedException(function, limit.text(), Duration.ofNanos(taken.waitNanos()));
        }
        return taken.giveBack();
    }

    int cellCount() {
        return cells.cellCount();
    }
}
