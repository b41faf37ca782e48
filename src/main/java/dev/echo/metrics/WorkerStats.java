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

    public static final int COMPLETED = 0;
    public static final int FAILED = 1;
    public static final int CANCELLED = 2;
    public static final int STEALS = 3;
    public static final int PARKS = 4;
    public static final int UNPARKS = 5;
    private static final int STARTED_BASE = 6; // + level: tasks taken from the queue per level
    private static final int SIZE = STARTED_BASE + Priority.count();

    private final long[] counters = new long[SIZE];
    private final LatencyHistogram[] wait = new LatencyHistogram[Priority.count()];
    private final LatencyHistogram[] run = new LatencyHistogram[Priority.count()];

    public WorkerStats() {
        for (int i = 0; i < Priority.count(); i++) {
            wait[i] = new LatencyHistogram();
            run[i] = new LatencyHistogram();
        }
    }

    /** Adds one to a counter ({@link #COMPLETED} ... {@link #UNPARKS}). Owner only. */
    public void increment(int counter) {
        LONGS.setOpaque(counters, counter, (long) LONGS.getOpaque(counters, counter) + 1);
    }

    /** Counts a task of {@code priority} taken from the queue. Owner only. */
    public void dequeued(Priority priority) {
        increment(STARTED_BASE + priority.level());
    }

    public void recordWait(Priority priority, long nanos) {
        wait[priority.level()].record(nanos);
    }

    public void recordRun(Priority priority, long nanos) {
        run[priority.level()].record(nanos);
    }

    public long get(int counter) {
        return (long) LONGS.getOpaque(counters, counter);
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
