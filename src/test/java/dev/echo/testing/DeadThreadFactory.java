package dev.echo.testing;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread factory whose n-th thread (counting from 0) ignores its body and ends at once, as a
 * container's factory may hand out a thread that dies: the worker given it is dead from the
 * start. Every other thread runs its body.
 */
public final class DeadThreadFactory implements ThreadFactory {

    private final int dead;
    private final AtomicInteger made = new AtomicInteger();

    public DeadThreadFactory(int dead) {
        this.dead = dead;
    }

    @Override
    public Thread newThread(Runnable body) {
        Thread t = made.getAndIncrement() == dead ? new Thread(() -> { }) : new Thread(body);
        t.setDaemon(true);
        return t;
    }
}
