package dev.echo.bench;

import dev.echo.task.Priority;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.CountDownLatch;

/**
 * B7: bytes retained per queued task with {@code count} tasks queued behind busy workers,
 * measured as heap used after full GCs, before and after queueing. Every task is the same
 * shared lambda, so all the retained bytes are the executor's own overhead per task.
 */
final class QueuedMemory {

    private QueuedMemory() {
    }

    static double bytesPerTask(Peers peer, int workers, int count) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Peers.Pool pool = peer.create(workers);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < workers; i++) {
                pool.submit(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, Priority.NORMAL);
            }
            Thread.sleep(200);
            Runnable shared = () -> { };
            long before = usedAfterGc(memory);
            for (int i = 0; i < count; i++) {
                pool.submit(shared, Priority.NORMAL);
            }
            long after = usedAfterGc(memory);
            return (after - before) / (double) count;
        } finally {
            release.countDown();
            pool.close();
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
