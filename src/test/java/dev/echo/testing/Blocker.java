package dev.echo.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Occupies a worker until released: lets a test fill queues behind a busy worker
 * deterministically. {@link #awaitStarted()} fails the test if the blocker never starts;
 * a blocker never released gives up after 30 s, so a broken test cannot hold a worker forever.
 */
public final class Blocker implements Runnable {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Runnable whileBlocked;

    public Blocker() {
        this(() -> { });
    }

    /** @param whileBlocked runs on the worker right after the blocker started (e.g. to fork tasks) */
    public Blocker(Runnable whileBlocked) {
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

    public void awaitStarted() throws InterruptedException {
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("blocker did not start within 10 s");
        }
    }

    public boolean hasStarted() {
        return started.getCount() == 0;
    }

    public void release() {
        release.countDown();
    }
}
