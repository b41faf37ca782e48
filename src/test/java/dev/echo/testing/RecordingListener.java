package dev.echo.testing;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedTaskListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

/** Records listener callbacks as "submitted", "starting", "aborted:Type", "done:Type|null"; counts down on done. */
public final class RecordingListener implements ManagedTaskListener {

    public final List<String> events = new CopyOnWriteArrayList<>();
    public final CountDownLatch done = new CountDownLatch(1);

    private static String type(Throwable t) {
        return t == null ? "null" : t.getClass().getSimpleName();
    }

    @Override
    public void taskSubmitted(Future<?> future, ManagedExecutorService executor, Object task) {
        events.add("submitted");
    }

    @Override
    public void taskStarting(Future<?> future, ManagedExecutorService executor, Object task) {
        events.add("starting");
    }

    @Override
    public void taskAborted(Future<?> future, ManagedExecutorService executor, Object task, Throwable exception) {
        events.add("aborted:" + type(exception));
    }

    @Override
    public void taskDone(Future<?> future, ManagedExecutorService executor, Object task, Throwable exception) {
        events.add("done:" + type(exception));
        done.countDown();
    }
}
