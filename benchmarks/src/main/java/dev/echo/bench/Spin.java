package dev.echo.bench;

import java.util.concurrent.locks.LockSupport;

/** Busy work and precise waits for the harnesses. */
final class Spin {

    private Spin() {
    }

    /** Burns CPU for about {@code nanos} (a task of that length). */
    static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Waits until {@code deadline} ({@link System#nanoTime()}), parking while far, spinning when close. */
    static void until(long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (left > 200_000) {
                LockSupport.parkNanos(left - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
