package dev.echo.testing;

import dev.echo.scheduler.Scheduler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded stops for tests. {@code Scheduler.stop()} and {@code close()} wait as long as it takes
 * — right for an application, wrong for a test: a lost wake-up would hang the build instead of
 * failing it. These wait at most a bound, then fail naming what did not end.
 */
public final class Schedulers {

    /** Long enough for any drain a test makes on a loaded 2-core machine; short next to CI's limit. */
    public static final Duration STOP_BOUND = Duration.ofSeconds(20);

    private Schedulers() {
    }

    /** Graceful stop: every accepted task runs; fails if that takes longer than {@link #STOP_BOUND}. */
    public static void stop(Scheduler s) {
        stop(s, STOP_BOUND);
    }

    /**
     * Graceful stop within {@code bound}; if the scheduler has not terminated by then, it is
     * stopped at once (so the test leaves no threads behind) and the test fails with its metrics.
     */
    public static void stop(Scheduler s, Duration bound) {
        s.shutdown();
        try {
            if (s.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            String metrics = s.metrics().toString();
            s.shutdownNow();
            boolean ended = s.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
            fail("scheduler '" + s.name() + "' did not finish its accepted tasks within " + bound
                    + (ended ? "" : " (and did not end after shutdownNow either)") + ": " + metrics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.shutdownNow();
            fail("interrupted while stopping scheduler '" + s.name() + "'");
        }
    }

    /**
     * For tests of {@code stop()} itself: calls the scheduler's own graceful stop, failing if it
     * has not returned within {@link #STOP_BOUND}.
     */
    public static void callStop(Scheduler s) {
        assertTimeoutPreemptively(STOP_BOUND, (org.junit.jupiter.api.function.Executable) s::stop, () -> "stop() of scheduler '" + s.name()
                + "' did not return within " + STOP_BOUND + ": " + s.metrics());
    }
}
