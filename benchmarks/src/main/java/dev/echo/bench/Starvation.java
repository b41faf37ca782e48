package dev.echo.bench;

import dev.echo.task.Priority;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * B4: a flood of HIGH tasks at ~100 % of the pool's capacity, open-loop; a few LOW tasks arrive
 * meanwhile. Reports the LOW tasks' submit-to-start waits; a LOW task that never started by the
 * end counts with the time it had waited so far (a lower bound: it starves).
 */
final class Starvation {

    static final long HIGH_TASK_NANOS = 100_000;
    static final long LOW_INTERVAL_NANOS = 50_000_000; // 20 LOW tasks a second

    private Starvation() {
    }

    record Result(Histogram lowWaits, int lowSubmitted, int lowNeverStarted) {
    }

    static Result run(Peers peer, int workers, Duration measure) throws Exception {
        Peers.Pool pool = peer.create(workers);
        try {
            long highInterval = HIGH_TASK_NANOS / workers; // exactly the pool's capacity
            long start = System.nanoTime();
            long end = start + measure.toNanos();
            int lows = (int) (measure.toNanos() / LOW_INTERVAL_NANOS);
            AtomicLongArray startedAt = new AtomicLongArray(lows);
            List<Long> submittedAt = new ArrayList<>();
            Thread lowGenerator = new Thread(() -> {
                for (int i = 0; i < lows; i++) {
                    long intended = start + i * LOW_INTERVAL_NANOS + LOW_INTERVAL_NANOS / 2;
                    Spin.until(intended);
                    int n = i;
                    synchronized (submittedAt) {
                        submittedAt.add(intended);
                    }
                    pool.submit(() -> startedAt.set(n, System.nanoTime()), Priority.LOW);
                }
            }, "b4-low-generator");
            lowGenerator.start();
            // Submit in 1 ms batches so that the generator parks between them instead of
            // spinning on one of the 2 cores (which would turn "100 % load" into an overload).
            long batchNanos = 1_000_000;
            long perBatch = batchNanos / highInterval;
            for (long b = 0; ; b++) {
                long intended = start + b * batchNanos;
                if (intended >= end) {
                    break;
                }
                Spin.until(intended);
                for (long k = 0; k < perBatch; k++) {
                    pool.submit(() -> Spin.busy(HIGH_TASK_NANOS), Priority.HIGH);
                }
            }
            lowGenerator.join();
            long now = System.nanoTime();
            Histogram waits = new Histogram(3);
            int never = 0;
            synchronized (submittedAt) {
                for (int i = 0; i < submittedAt.size(); i++) {
                    long s = startedAt.get(i);
                    if (s == 0) {
                        never++;
                        waits.recordValue(now - submittedAt.get(i));
                    } else {
                        waits.recordValue(Math.max(0, s - submittedAt.get(i)));
                    }
                }
                return new Result(waits, submittedAt.size(), never);
            }
        } finally {
            pool.close();
        }
    }
}
