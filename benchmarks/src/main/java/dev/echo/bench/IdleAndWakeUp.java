package dev.echo.bench;

import dev.echo.task.Priority;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * B5: (a) CPU time the whole JVM burns while an idle pool sits for {@code idle} (the pool's
 * threads are the only ones that could run); (b) submit-to-start latency of a task given to a
 * pool that has been idle for 1, 10 or 100 ms (its workers parked).
 */
final class IdleAndWakeUp {

    private IdleAndWakeUp() {
    }

    record Result(long idleCpuNanos, Duration idle, Histogram wakeUp) {
    }

    static Result run(Peers peer, int workers, Duration idle, int wakeUps) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Peers.Pool pool = peer.create(workers);
        try {
            for (int i = 0; i < 10_000; i++) { // warm the pool's code paths
                CountDownLatch l = new CountDownLatch(1);
                pool.submit(l::countDown, Priority.NORMAL);
                l.await();
            }
            Thread.sleep(500); // let every worker reach its idle state
            long cpuBefore = os.getProcessCpuTime();
            Thread.sleep(idle.toMillis());
            long idleCpu = os.getProcessCpuTime() - cpuBefore;

            Histogram wake = new Histogram(3);
            long[] gapsNanos = {1_000_000, 10_000_000, 100_000_000};
            for (int i = 0; i < wakeUps; i++) {
                LockSupport.parkNanos(gapsNanos[i % gapsNanos.length]);
                long[] started = new long[1];
                CountDownLatch ran = new CountDownLatch(1);
                long submitted = System.nanoTime();
                pool.submit(() -> {
                    started[0] = System.nanoTime();
                    ran.countDown();
                }, Priority.NORMAL);
                if (!ran.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(peer + " lost a wake-up");
                }
                wake.recordValue(Math.max(0, started[0] - submitted));
            }
            return new Result(idleCpu, idle, wake);
        } finally {
            pool.close();
        }
    }
}
