package dev.echo.bench;

import dev.echo.task.Priority;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * B3: HIGH submit-to-start latency while the pool is saturated by a backlog of ~1 ms LOW tasks.
 * HIGH tasks arrive open-loop at a fixed rate; latency is measured from each task's
 * <em>intended</em> submit time, so a stalled generator cannot hide queueing (no coordinated
 * omission). The LOW backlog refills itself: every LOW task submits its successor.
 */
final class HighLatencyUnderBacklog {

    static final long LOW_TASK_NANOS = 1_000_000;
    static final int LOW_BACKLOG = 200;
    static final long HIGH_INTERVAL_NANOS = 5_000_000; // 200 HIGH tasks a second

    private HighLatencyUnderBacklog() {
    }

    static Histogram run(Peers peer, int workers, Duration warmUp, Duration measure) throws Exception {
        return run(peer.create(workers), workers, warmUp, measure);
    }

    static Histogram run(Peers.Pool pool, int workers, Duration warmUp, Duration measure) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            for (int i = 0; i < LOW_BACKLOG; i++) {
                submitLow(pool, running);
            }
            Recorder recorder = new Recorder(3);
            long start = System.nanoTime();
            long measureFrom = start + warmUp.toNanos();
            long end = measureFrom + measure.toNanos();
            for (long i = 0; ; i++) {
                long intended = start + i * HIGH_INTERVAL_NANOS;
                if (intended >= end) {
                    break;
                }
                Spin.until(intended);
                boolean record = intended >= measureFrom;
                pool.submit(() -> {
                    if (record) {
                        recorder.recordValue(Math.max(0, System.nanoTime() - intended));
                    }
                }, Priority.HIGH);
            }
            Thread.sleep(Math.max(1000, LOW_BACKLOG * LOW_TASK_NANOS / workers / 1_000_000 * 3)); // let stragglers start
            return recorder.getIntervalHistogram();
        } finally {
            running.set(false);
            pool.close();
        }
    }

    private static void submitLow(Peers.Pool pool, AtomicBoolean running) {
        pool.submit(() -> {
            Spin.busy(LOW_TASK_NANOS);
            if (running.get()) {
                try {
                    submitLow(pool, running);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // the pool is closing
                }
            }
        }, Priority.LOW);
    }
}
