package dev.echo.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * For states a test can only observe from outside (an HTTP resource, the server log, threads of
 * another application): reads {@code probe} every 20 ms until {@code done} accepts the value or
 * {@code timeout} passes, then fails with the last value seen.
 */
final class Eventually {

    private Eventually() {
    }

    static <T> T value(Callable<T> probe, Predicate<T> done, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.call();
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + " (not within " + timeout + "); last seen: " + last);
            }
            LockSupport.parkNanos(20_000_000);
            last = probe.call();
        }
        return last;
    }
}
