package dev.echo.scheduler;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Occupies a worker until released; lets tests fill queues behind a busy worker deterministically. */
final class Blocker implements Runnable {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Runnable whileBlocked;

    Blocker() {
        this(() -> { });
    }

    /** @param whileBlocked runs on the worker right after the blocker started (e.g. to fork tasks) */
    Blocker(Runnable whileBlocked) {
        this.whileBlocked = whileBlocked;
    }

    @Override
    public void run() {
        started.countDown();
        whileBlocked.run();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("blocker never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitStarted() throws InterruptedException {
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("blocker did not start within 10 s");
        }
    }

    void release() {
        release.countDown();
    }
}
