package dev.echo.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A task that holds its thread until interrupted, and tells whether it started and was interrupted. */
public final class Sleeper implements Runnable {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public void run() {
        started.countDown();
        try {
            Blocking.untilInterrupted();
        } catch (InterruptedException e) {
            interrupted.countDown();
        }
    }

    public boolean awaitStarted() throws InterruptedException {
        return started.await(10, TimeUnit.SECONDS);
    }

    public boolean awaitInterrupted(long seconds) throws InterruptedException {
        return interrupted.await(seconds, TimeUnit.SECONDS);
    }
}
