package dev.echo.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a state that no event announces (workers parked, threads ended, an object collected):
 * checks {@code condition} every millisecond until it holds or {@code timeout} passes, then fails
 * with {@code description}. Wherever an event exists, tests use a latch or a future instead.
 */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(description.get() + " (not within " + timeout + ")");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
