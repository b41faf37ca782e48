package dev.echo.scheduler;

import dev.echo.testing.Blocker;
import dev.echo.testing.Schedulers;
import dev.echo.task.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** DESIGN.md §3: a worker takes the most urgent task visible anywhere, whichever queue holds it. */
class PriorityOrderTest {

    private final List<String> order = new CopyOnWriteArrayList<>();
    /**
     * One worker and no urgent thread (maxWorkers = workers): these tests are about the order one
     * worker takes tasks in. With the urgent thread, HIGH tasks had two takers, and a fresh-clone
     * run recorded HIGH0, HIGH3, HIGH1, HIGH4, HIGH2: the worker took a batch starting at HIGH1
     * and was descheduled before HIGH1's first statement while the urgent thread ran HIGH3 and
     * HIGH4 (each taker in order; the two interleaved).
     */
    private Scheduler scheduler = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("order").build();

    @AfterEach
    void stop() {
        Schedulers.stop(scheduler);
    }

    private Runnable record(String label) {
        return () -> order.add(label);
    }

    @Test
    void highOvertakesLowQueuedInTheInjector() throws Exception {
        Blocker blocker = new Blocker();
        scheduler.execute(blocker);
        blocker.awaitStarted();
        for (int i = 0; i < 10; i++) {
            scheduler.execute(record("low" + i), Priority.LOW);
        }
        CompletableFuture<Void> high = scheduler.submit(record("high"), Priority.HIGH);
        blocker.release();
        high.get(10, TimeUnit.SECONDS);
        Schedulers.stop(scheduler);
        assertEquals("high", order.get(0), order.toString());
        assertEquals(11, order.size());
    }

    @Test
    void highFromOutsideOvertakesLowForkedIntoTheWorkersOwnDeque() throws Exception {
        // The blocker forks LOW tasks from inside the worker: they land in its local deque.
        Blocker blocker = new Blocker(() -> {
            for (int i = 0; i < 10; i++) {
                scheduler.execute(record("low" + i), Priority.LOW);
            }
        });
        scheduler.execute(blocker);
        blocker.awaitStarted();
        scheduler.execute(record("high"), Priority.HIGH); // from outside: the injector
        blocker.release();
        Schedulers.stop(scheduler);
        assertEquals("high", order.get(0), order.toString());
    }

    @Test
    void highForkedLocallyOvertakesLowInTheInjector() throws Exception {
        Blocker blocker = new Blocker();
        scheduler.execute(blocker);
        blocker.awaitStarted();
        for (int i = 0; i < 10; i++) {
            scheduler.execute(record("low" + i), Priority.LOW);
        }
        scheduler.execute(() -> {
            order.add("forker");
            scheduler.execute(record("forked-high"), Priority.HIGH);
        }, Priority.NORMAL);
        blocker.release();
        Schedulers.stop(scheduler);
        assertEquals(List.of("forker", "forked-high"), order.subList(0, 2), order.toString());
    }

    @Test
    void allThreeLevelsComeOutInPriorityOrderAndFifoWithinALevel() throws Exception {
        Blocker blocker = new Blocker();
        scheduler.execute(blocker);
        blocker.awaitStarted();
        List<String> expected = new ArrayList<>();
        for (Priority p : new Priority[]{Priority.LOW, Priority.NORMAL, Priority.HIGH}) {
            for (int i = 0; i < 5; i++) {
                scheduler.execute(record(p + "" + i), p);
            }
        }
        for (Priority p : Priority.values()) {
            for (int i = 0; i < 5; i++) {
                expected.add(p + "" + i);
            }
        }
        blocker.release();
        Schedulers.stop(scheduler);
        assertEquals(expected, order);
    }

    @Test
    void sameTasksFromOneThreadStartInFifoOrder() throws Exception {
        Blocker blocker = new Blocker();
        scheduler.execute(blocker);
        blocker.awaitStarted();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            scheduler.execute(record("n" + i), Priority.NORMAL);
            expected.add("n" + i);
        }
        blocker.release();
        Schedulers.stop(scheduler);
        assertEquals(expected, order);
    }

    @Test
    void tasksForkedByOneTaskStartInFifoOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // more than a local ring holds: some spill to the injector
            expected.add("f" + i);
        }
        scheduler.execute(() -> {
            for (int i = 0; i < 300; i++) {
                scheduler.execute(record("f" + i), Priority.NORMAL);
            }
        });
        Schedulers.stop(scheduler);
        assertEquals(expected, order);
    }
}
