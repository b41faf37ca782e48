package dev.echo.metrics;

import dev.echo.task.Priority;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters one worker updates while it runs tasks. Single writer (the worker's thread),
 * so every update is an opaque read-modify-write with no CAS and no lock; readers (metrics
 * snapshots) use opaque reads. Events that happen on other threads (submissions, rejections,
 * drains) go to {@link SharedStats} instead.
 */
public final class WorkerStats {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    public static final int STEALS = 0;
    public static final int PARKS = 1;
    public static final int UNPARKS = 2;
    private static final int STARTED_BASE = 3; // + level: tasks taken from the queue per level
    private static final int COMPLETED_BASE = STARTED_BASE + Priority.count(); // + level
    private static final int FAILED_BASE = COMPLETED_BASE + Priority.count(); // + level
    private static final int CANCELLED_BASE = FAILED_BASE + Priority.count(); // + level
    /** + level: tasks this worker accepted into the ready queues (forks, stages it submitted). */
    private static final int ACCEPTED_BASE = CANCELLED_BASE + Priority.count();
    private static final int SIZE = ACCEPTED_BASE + Priority.count();

    /**
     * 128 bytes on each side of the counters, which are written on every task: another object's
     * data next to them (the allocator's or the collector's placement decides) would share their
     * cache lines, or the pair of lines an Intel core fetches together.
     */
    private static final int PAD = 16;
    private final long[] counters = new long[PAD + SIZE + PAD];
    private final LatencyHistogram[] wait = new LatencyHistogram[Priority.count()];
    private final LatencyHistogram[] run = new LatencyHistogram[Priority.count()];

    public WorkerStats() {
        for (int i = 0; i < Priority.count(); i++) {
            wait[i] = new LatencyHistogram();
            run[i] = new LatencyHistogram();
        }
    }

    /** Adds one to a counter ({@link #STEALS}, {@link #PARKS}, {@link #UNPARKS}). Owner only. */
    public void increment(int counter) {
        LONGS.setOpaque(counters, PAD + counter, (long) LONGS.getOpaque(counters, PAD + counter) + 1);
    }

    /**
     * Counts a task of {@code priority} this worker accepted and queued ready (a fork). Owner
     * only: a worker counts its own submissions here instead of in {@link SharedStats}, so a fork
     * touches no cache line another thread writes.
     */
    public void acceptedReady(Priority priority) {
        increment(ACCEPTED_BASE + priority.level());
    }

    public long acceptedReady(int level) {
        return get(ACCEPTED_BASE + level);
    }

    /** Counts a task of {@code priority} taken from the queue. Owner only. */
    public void dequeued(Priority priority) {
        increment(STARTED_BASE + priority.level());
    }

    /** Counts a task of {@code priority} that ended as completed. Owner only. */
    public void completed(Priority priority) {
        increment(COMPLETED_BASE + priority.level());
    }

    /** Counts a task of {@code priority} whose body threw. Owner only. */
    public void failed(Priority priority) {
        increment(FAILED_BASE + priority.level());
    }

    /** Counts a task of {@code priority} found cancelled when the worker took it. Owner only. */
    public void cancelled(Priority priority) {
        increment(CANCELLED_BASE + priority.level());
    }

    public long completed(int level) {
        return get(COMPLETED_BASE + level);
    }

    public long failed(int level) {
        return get(FAILED_BASE + level);
    }

    public long cancelled(int level) {
        return get(CANCELLED_BASE + level);
    }

    public void recordWait(Priority priority, long nanos) {
        wait[priority.level()].record(nanos);
    }

    public void recordRun(Priority priority, long nanos) {
        run[priority.level()].record(nanos);
    }

    public long get(int counter) {
        return (long) LONGS.getOpaque(counters, PAD + counter);
    }

    public long dequeued(int level) {
        return get(STARTED_BASE + level);
    }

    public LatencyHistogram waitHistogram(int level) {
        return wait[level];
    }

    public LatencyHistogram runHistogram(int level) {
        return run[level];
    }
}
