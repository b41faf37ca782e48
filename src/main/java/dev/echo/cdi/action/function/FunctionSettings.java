package dev.echo.cdi.action.function;

import dev.echo.cdi.config.EchoConfig;

import dev.echo.action.limit.AttemptTimeout;
import dev.echo.action.limit.TokenBucket;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the server declares for one action function, by MicroProfile Config keys
 * {@code echo.actions.function.<name>.<setting>} (never by a request): how often each caller may
 * submit it ({@code rate-limit}), how fast this server starts its attempts ({@code max-starts}),
 * how long its results are reused ({@code cache-for}) and its attempts' timeout ({@code timeout}:
 * a duration or {@code adaptive}, with {@code timeout-multiplier}, {@code -window}, {@code -min},
 * {@code -max}). The one reader of these keys; a bad value fails the deployment with a message
 * naming its key.
 *
 * @param rateLimit the submissions each caller may make, if limited
 * @param maxStarts the start rate on this server, if limited
 * @param cacheFor  how long a SUCCEEDED result is reused; zero: not cached
 * @param timeout   the server's attempt timeout, if declared
 */
public record FunctionSettings(Optional<TokenBucket> rateLimit, Optional<TokenBucket> maxStarts, Duration cacheFor, Optional<AttemptTimeout> timeout) {

    public static final String PREFIX = "echo.actions.function.";
    public static final double DEFAULT_TIMEOUT_MULTIPLIER = 3;
    public static final int DEFAULT_TIMEOUT_WINDOW = 100;
    public static final Duration DEFAULT_TIMEOUT_MIN = Duration.ofMillis(100);
    public static final Duration DEFAULT_TIMEOUT_MAX = Duration.ofSeconds(30);

    /** The settings of each of {@code functions} from {@code lookup}, by name. */
    public static java.util.Map<String, FunctionSettings> of(java.util.Collection<String> functions,
                                                             Function<String, Optional<String>> lookup) {
        java.util.Map<String, FunctionSettings> all = new java.util.HashMap<>();
        functions.forEach(f -> all.put(f, of(f, lookup)));
        return java.util.Map.copyOf(all);
    }

    /** The settings of {@code function} from {@code lookup}. */
    public static FunctionSettings of(String function, Function<String, Optional<String>> lookup) {
        String base = PREFIX + function + ".";
        Function<String, Optional<String>> get = k -> lookup.apply(base + k).map(String::strip).filter(v -> !v.isEmpty());
        Optional<TokenBucket> rateLimit = get.apply("rate-limit").map(v -> TokenBucket.parse(base + "rate-limit", v));
        Optional<TokenBucket> maxStarts = get.apply("max-starts").map(v -> TokenBucket.parse(base + "max-starts", v));
        Duration cacheFor = get.apply("cache-for").map(v -> EchoConfig.duration(base + "cache-for", v)).orElse(Duration.ZERO);
        if (cacheFor.isNegative()) {
            throw new IllegalArgumentException("Echo configuration '" + base + "cache-for' must be a duration >= 0, was '"
                    + get.apply("cache-for").orElse("") + "'");
        }
        return new FunctionSettings(rateLimit, maxStarts, cacheFor, timeout(base, get));
    }

    private static Optional<AttemptTimeout> timeout(String base, Function<String, Optional<String>> get) {
        Optional<String> value = get.apply("timeout");
        boolean adaptive = value.map(v -> v.toLowerCase(Locale.ROOT).equals("adaptive")).orElse(false);
        for (String k : new String[]{"timeout-multiplier", "timeout-window", "timeout-min", "timeout-max"}) {
            if (!adaptive && get.apply(k).isPresent()) {
                // a setting that would change nothing is a mistake worth a failed deployment, not a silent no-op
                throw new IllegalArgumentException("Echo configuration '" + base + k + "' applies only with '" + base
                        + "timeout=adaptive', which is " + value.map(v -> "'" + v + "'").orElse("not set"));
            }
        }
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (!adaptive) {
                Duration fixed = EchoConfig.duration(base + "timeout", value.get());
                if (fixed.isZero() || fixed.isNegative()) {
                    throw new IllegalArgumentException("Echo configuration '" + base + "timeout' must be a positive duration or"
                            + " 'adaptive', was '" + value.get() + "'");
                }
                return Optional.of(AttemptTimeout.fixed(fixed));
            }
            double multiplier = get.apply("timeout-multiplier").map(v -> number(base + "timeout-multiplier", v))
                    .orElse(DEFAULT_TIMEOUT_MULTIPLIER);
            int window = get.apply("timeout-window").map(v -> (int) Math.min(Integer.MAX_VALUE, whole(base + "timeout-window", v)))
                    .orElse(DEFAULT_TIMEOUT_WINDOW);
            Duration min = get.apply("timeout-min").map(v -> EchoConfig.duration(base + "timeout-min", v)).orElse(DEFAULT_TIMEOUT_MIN);
            Duration max = get.apply("timeout-max").map(v -> EchoConfig.duration(base + "timeout-max", v)).orElse(DEFAULT_TIMEOUT_MAX);
            return Optional.of(AttemptTimeout.adaptive(multiplier, window, min, max));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("Echo configuration") ? m : "Echo configuration of " + base + "timeout: " + m, e);
        }
    }

    private static double number(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Echo configuration '" + key + "' must be a number, was '" + v + "'", e);
        }
    }

    private static long whole(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Echo configuration '" + key + "' must be a whole number, was '" + v + "'", e);
        }
    }
}
