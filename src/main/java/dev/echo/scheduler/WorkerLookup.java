package dev.echo.scheduler;

/**
 * Finds the worker running on a thread without a {@link ThreadLocal}: the submit path asks
 * "is the caller one of my workers?" for every task, and a {@code ThreadLocal} miss on a
 * submitting thread with a crowded thread-local map probed many slots (JFR: the top cost of
 * external submission). This is an immutable open-addressing table keyed by thread id, built once
 * the worker threads exist; the final fields publish it safely, and it never changes afterwards.
 */
final class WorkerLookup {

    private final long[] ids;
    private final Worker[] workers;
    private final int mask;

    WorkerLookup(Worker[] all) {
        int size = Integer.highestOneBit(Math.max(2, all.length) * 4 - 1) << 1;
        this.ids = new long[size];
        this.workers = new Worker[size];
        this.mask = size - 1;
        for (Worker w : all) {
            long id = w.thread().getId();
            int i = slot(id);
            while (workers[i] != null) {
                i = (i + 1) & mask;
            }
            ids[i] = id;
            workers[i] = w;
        }
    }

    private int slot(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }

    /** The worker running on {@code thread}, or {@code null}. */
    Worker find(Thread thread) {
        long id = thread.getId();
        int i = slot(id);
        Worker w;
        while ((w = workers[i]) != null) {
            if (ids[i] == id && w.thread() == thread) {
                return w;
            }
            i = (i + 1) & mask;
        }
        return null;
    }
}
