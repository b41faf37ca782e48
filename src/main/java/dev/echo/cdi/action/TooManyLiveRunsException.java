package dev.echo.cdi.action;

import java.time.Duration;

/**
 * A submission refused because too many runs are live (accepted and not ended): in all
 * ({@code echo.actions.max-live}), of its submitter ({@code echo.actions.max-live-per-caller}), or
 * by the estimated memory of their actions ({@code echo.actions.kept-bytes}). Nothing of the
 * submission was queued; the caller may try again once some of the live runs have ended (the REST
 * resource answers 429 with a {@code Retry-After} of {@link #RETRY_AFTER}).
 */
public final class TooManyLiveRunsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** When to try again: a guess, since nobody knows when the live runs end; long enough not to spin. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final String limit;

    TooManyLiveRunsException(String limit, long value) {
        super("too many live action runs: " + limit + " is " + value + "; try again once some have ended");
        this.limit = limit;
    }

    /** The configuration key of the limit that was reached. */
    public String limit() {
        return limit;
    }
}
