package dev.echo.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * For task bodies that must hold their thread until they are interrupted (cancel(true), a
 * timeout, a stop): they wait on a latch nobody counts down, so only an interrupt ends the wait
 * early — no sleep whose length the test depends on.
 */
public final class Blocking {

    private Blocking() {
    }

    /**
     * Returns by throwing {@link InterruptedException} when the thread is interrupted; if nobody
     * interrupts it within a minute, throws {@link AssertionError} (the test is broken).
     */
    public static void untilInterrupted() throws InterruptedException {
        if (!new CountDownLatch(1).await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("nobody interrupted this task within 60 s");
        }
    }
}
