package dev.echo.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a state that no event announces (workers parked, threads ended, an object collected,
 * an HTTP resource or a log line): checks until it holds or the timeout passes, then fails with
 * a description of what did not happen. Wherever an event exists, tests use a latch or a future
 * instead.
 */
public final class Await {

    private Await() {
    }

    /** Checks {@code condition} every millisecond. */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(description.get() + " (not within " + timeout + ")");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Reads {@code probe} every 20 ms (a probe may cost a request) until {@code done} accepts the
     * value, and returns it; fails with the last value seen.
     */
    public static <T> T value(Callable<T> probe, Predicate<T> done, Duration timeout, String what) throws Exception {
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
