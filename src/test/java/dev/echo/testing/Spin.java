package dev.echo.testing;

import java.time.Duration;

/**
 * CPU work of a given length for a task body: unlike a sleep it holds the CPU, like real work, so
 * a worker running it is busy for the scheduler and for the operating system.
 */
public final class Spin {

    private Spin() {
    }

    public static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    public static void busy(Duration d) {
        busy(d.toNanos());
    }
}
