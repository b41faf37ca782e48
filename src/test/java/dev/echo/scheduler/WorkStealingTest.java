package dev.echo.scheduler;

import dev.echo.testing.Schedulers;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class WorkStealingTest {

    @Test
    void aSecondWorkerRunsTasksForkedByTheFirst() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("steal").build();
        try {
            int forks = 50;
            CountDownLatch forkedDone = new CountDownLatch(forks);
            Set<String> forkThreads = ConcurrentHashMap.newKeySet();
            String[] parentThread = new String[1];
            boolean finished = s.submit(() -> {
                parentThread[0] = Thread.currentThread().getName();
                for (int i = 0; i < forks; i++) {
                    s.execute(() -> {
                        forkThreads.add(Thread.currentThread().getName());
                        forkedDone.countDown();
                    }, Priority.NORMAL);
                }
                // The parent keeps its worker until the forks ran: only a thief can run them.
                return forkedDone.await(20, TimeUnit.SECONDS);
            }, Priority.NORMAL).get(30, TimeUnit.SECONDS);
            assertTrue(finished, "forked tasks were not run while their parent held its worker");
            assertFalse(forkThreads.contains(parentThread[0]));
            assertEquals(1, forkThreads.size());
            // The forks were in the parent's local deque, so they were reached by stealing.
            assertTrue(s.metrics().steals() >= 1, "no steal was counted");
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void recursiveForkJoinStyleWorkCompletes() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("tree").build();
        try {
            CountDownLatch leaves = new CountDownLatch(1 << 14);
            s.execute(() -> split(s, 14, leaves));
            assertTrue(leaves.await(60, TimeUnit.SECONDS));
        } finally {
            Schedulers.stop(s);
        }
    }

    private static void split(Scheduler s, int depth, CountDownLatch leaves) {
        if (depth == 0) {
            leaves.countDown();
            return;
        }
        s.execute(() -> split(s, depth - 1, leaves));
        s.execute(() -> split(s, depth - 1, leaves));
    }
}
