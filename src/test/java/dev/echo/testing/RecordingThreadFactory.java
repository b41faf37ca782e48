package dev.echo.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/** Makes daemon threads and remembers each, so a test can read their CPU time or join them. */
public final class RecordingThreadFactory implements ThreadFactory {

    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    public List<Thread> threads() {
        return threads;
    }
}
