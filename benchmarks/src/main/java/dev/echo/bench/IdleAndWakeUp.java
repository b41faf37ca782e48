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
 * pool that has been idle for 1, 10 or 100 ms (its workers parked), the peers interleaved.
 */
final class IdleAndWakeUp {

    private IdleAndWakeUp() {
    }

    /**
     * CPU time the whole JVM used while a fresh, warmed pool of {@code peer} sat idle for
     * {@code idle} (nanoseconds).
     */
    static long idleCpuNanos(Peers peer, int workers, Duration idle) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Peers.Pool pool = peer.create(workers);
        try {
            warm(pool);
            Thread.sleep(500); // let every worker reach its idle state
            long cpuBefore = os.getProcessCpuTime();
            Thread.sleep(idle.toMillis());
            return os.getProcessCpuTime() - cpuBefore;
        } finally {
            pool.close();
        }
    }

    /** The idle gaps before each wake-up, in turn. */
    static final long[] GAPS_NANOS = {1_000_000, 10_000_000, 100_000_000};

    /**
     * Wake-up latency of every peer, interleaved block by block: {@code blocks} times, each peer
     * in turn gets {@code perBlock} wake-ups, each after its pool has idled for the next gap of
     * {@link #GAPS_NANOS}. All pools stay open (the others idle meanwhile), so a passing
     * disturbance of the machine falls on every peer alike instead of on whichever ran then.
     *
     * @return one histogram per peer (nanoseconds), in the order given
     */
    static Histogram[] wakeUps(java.util.List<Peers> peers, int workers, int blocks, int perBlock) throws Exception {
        Peers.Pool[] pools = new Peers.Pool[peers.size()];
        Histogram[] wake = new Histogram[peers.size()];
        try {
            for (int p = 0; p < pools.length; p++) {
                pools[p] = peers.get(p).create(workers);
                warm(pools[p]);
                wake[p] = new Histogram(3);
            }
            Thread.sleep(500);
            for (int b = 0; b < blocks; b++) {
                for (int p = 0; p < pools.length; p++) {
                    for (int i = 0; i < perBlock; i++) {
                        LockSupport.parkNanos(GAPS_NANOS[i % GAPS_NANOS.length]);
                        wake[p].recordValue(wakeUp(pools[p], peers.get(p)));
                    }
                }
            }
            return wake;
        } finally {
            for (Peers.Pool pool : pools) {
                if (pool != null) {
                    pool.close();
                }
            }
        }
    }

    /** Submits one task to an idle pool; nanoseconds from the submit to the task's start. */
    private static long wakeUp(Peers.Pool pool, Peers peer) throws InterruptedException {
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
        return Math.max(0, started[0] - submitted);
    }

    private static void warm(Peers.Pool pool) throws InterruptedException {
        for (int i = 0; i < 10_000; i++) { // warm the pool's code paths
            CountDownLatch l = new CountDownLatch(1);
            pool.submit(l::countDown, Priority.NORMAL);
            l.await();
        }
    }
}
