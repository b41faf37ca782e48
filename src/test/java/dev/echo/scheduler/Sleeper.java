package dev.echo.scheduler;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A task that sleeps for a minute unless interrupted, and tells whether it started and was interrupted. */
final class Sleeper implements Runnable {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public void run() {
        started.countDown();
        try {
            dev.echo.testing.Blocking.untilInterrupted();
        } catch (InterruptedException e) {
            interrupted.countDown();
        }
    }

    boolean awaitStarted() throws InterruptedException {
        return started.await(10, TimeUnit.SECONDS);
    }

    boolean awaitInterrupted(long seconds) throws InterruptedException {
        return interrupted.await(seconds, TimeUnit.SECONDS);
    }
}
