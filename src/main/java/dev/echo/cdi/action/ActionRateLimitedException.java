package dev.echo.cdi.action;

import java.time.Duration;

/**
 * A submission refused because its caller went over the function's rate limit
 * ({@code echo.actions.function.<name>.rate-limit}, declared by the server). Nothing of the
 * submission was queued. {@link #retryAfter()} says when one more submission fits; the REST
 * resource answers 429 with a {@code Retry-After} of at least one whole second.
 */
public final class ActionRateLimitedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String action;
    private final String limit;
    private final transient Duration retryAfter;

    ActionRateLimitedException(String action, String limit, Duration retryAfter) {
        super("action '" + action + "' is limited to " + limit + " per caller; try again in " + seconds(retryAfter) + " s");
        this.action = action;
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    /** The function's name. */
    public String action() {
        return action;
    }

    /** The limit as configured: {@code <count>/<ISO-8601 duration>}. */
    public String limit() {
        return limit;
    }

    /** How long until one more submission of this caller fits. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, rounded up, at least 1 (what {@code Retry-After} carries). */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration d) {
        long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(1, s);
    }
}
