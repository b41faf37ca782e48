package dev.echo.scheduler;

import dev.echo.metrics.SchedulerMetrics;
import dev.echo.task.Priority;
import dev.echo.testing.Await;
import dev.echo.testing.Blocker;
import dev.echo.testing.LogCapture;
import dev.echo.testing.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The urgent thread: a HIGH task published while every worker is busy starts at once on one more
 * thread, which runs HIGH tasks only, in their order, and is paid for by the spares' budget.
 */
class UrgentThreadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aHighTaskStartsOnTheUrgentThreadWhileEveryWorkerRunsLowWork() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(2).name("urgent-start").build();
        List<Blocker> held = holdEveryWorker(s, 2, Priority.LOW);
        // the workers stay held: only the urgent thread can run this
        String ran = s.submit(() -> Thread.currentThread().getName() + "/" + Scheduler.currentPriority().orElseThrow(), Priority.HIGH)
                .get(10, TimeUnit.SECONDS);
        assertEquals("urgent-start-urgent/HIGH", ran);
        // what a task on the urgent thread submits is accepted like any outside submission
        CompletableFuture<CompletableFuture<String>> forked = s.submit(() -> s.submit(() -> "forked", Priority.HIGH), Priority.HIGH);
        assertEquals("forked", forked.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
        held.forEach(Blocker::release);
        Schedulers.stop(s);
        SchedulerMetrics m = s.metrics();
        assertEquals(5, m.completed(), "2 blockers, 3 HIGH tasks, the urgent thread's counted too: " + m);
        assertEquals(m.submitted(), m.finished());
        assertEquals(0, m.spareWorkers(), "the urgent thread ended with the scheduler");
        assertTrue(endedAfterTermination("urgent-start-urgent"), "the urgent thread ends with the scheduler");
    }

    @Test
    void itRunsOnlyHighTasksAndParksWhenNoneIsLeft() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("urgent-only-high").build();
        List<Blocker> held = holdEveryWorker(s, 1, Priority.LOW);
        AtomicBoolean normalStarted = new AtomicBoolean();
        AtomicBoolean lowStarted = new AtomicBoolean();
        CompletableFuture<?> normal = s.submit(() -> normalStarted.set(true), Priority.NORMAL);
        CompletableFuture<?> low = s.submit(() -> lowStarted.set(true), Priority.LOW);
        s.submit(() -> { }, Priority.HIGH).get(10, TimeUnit.SECONDS);
        Thread urgent = liveThread("urgent-only-high-urgent").orElseThrow();
        // parked: it has looked at the queues after its HIGH task and found nothing it may run
        Await.until(() -> urgent.getState() == Thread.State.WAITING, WAIT, () -> "urgent thread " + urgent.getState());
        assertFalse(normalStarted.get(), "a NORMAL task waits for a worker");
        assertFalse(lowStarted.get(), "a LOW task waits for a worker");
        held.forEach(Blocker::release);
        normal.get(10, TimeUnit.SECONDS);
        low.get(10, TimeUnit.SECONDS);
        Schedulers.stop(s);
    }

    @Test
    void highTasksOfOneSubmitterStartInTheirOrderAndAGracefulStopRunsThemAll() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("urgent-order").build();
        List<Blocker> held = holdEveryWorker(s, 1, Priority.LOW);
        Blocker urgentHeld = new Blocker();
        s.execute(urgentHeld, Priority.HIGH);
        urgentHeld.awaitStarted();
        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> highs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            highs.add(s.submit(() -> order.add(n + "@" + Thread.currentThread().getName()), Priority.HIGH));
        }
        s.shutdown(); // graceful: every accepted task still runs
        urgentHeld.release(); // the worker stays held: the urgent thread runs all five, oldest first
        for (CompletableFuture<?> f : highs) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("0@urgent-order-urgent", "1@urgent-order-urgent", "2@urgent-order-urgent",
                "3@urgent-order-urgent", "4@urgent-order-urgent"), order);
        assertFalse(s.isTerminated(), "the worker's task still runs");
        held.forEach(Blocker::release);
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), s.metrics().toString());
        assertTrue(endedAfterTermination("urgent-order-urgent"));
    }

    @Test
    void withoutASparesBudgetThereIsNoUrgentThreadAndHighWaitsForAWorker() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(1).name("urgent-none").build();
        List<Blocker> held = holdEveryWorker(s, 1, Priority.LOW);
        CompletableFuture<String> high = s.submit(() -> Thread.currentThread().getName(), Priority.HIGH);
        // a negative check: it can only pass wrongly on a very slow machine, never fail wrongly
        assertThrows(TimeoutException.class, () -> high.get(300, TimeUnit.MILLISECONDS));
        assertTrue(liveThread("urgent-none-urgent").isEmpty(), "maxWorkers == workerCount: no thread beyond the workers");
        held.forEach(Blocker::release);
        assertEquals("urgent-none-worker-0", high.get(10, TimeUnit.SECONDS));
        Schedulers.stop(s);
    }

    @Test
    void theUrgentThreadTakesOneUnitOfTheSparesBudgetForItsLife() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).maxWorkers(2).name("urgent-budget").build();
        assertEquals(0, s.metrics().spareWorkers());
        List<Blocker> held = holdEveryWorker(s, 1, Priority.LOW);
        s.submit(() -> { }, Priority.HIGH).get(10, TimeUnit.SECONDS);
        assertEquals(1, s.metrics().spareWorkers(), "made once, it keeps its unit while parked");
        assertEquals(0, s.metrics().sparesStarted(), "it is not a compensation spare");
        held.forEach(Blocker::release);
        Schedulers.stop(s);
        assertEquals(0, s.metrics().spareWorkers());
    }

    @Test
    void aFactoryThatRefusesTheUrgentThreadCostsOnlyLatency() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory oneThreadOnly = body -> {
            if (made.incrementAndGet() > 1) {
                throw new IllegalStateException("no more threads");
            }
            Thread t = new Thread(body);
            t.setDaemon(true);
            return t;
        };
        try (LogCapture log = LogCapture.of(UrgentThread.class, Level.WARNING)) {
            Scheduler s = SchedulerBuilder.create().workerCount(1).threadFactory(oneThreadOnly).nameThreads(true).name("urgent-refused").build();
            List<Blocker> held = holdEveryWorker(s, 1, Priority.LOW);
            CompletableFuture<String> high = s.submit(() -> Thread.currentThread().getName(), Priority.HIGH);
            CompletableFuture<String> second = s.submit(() -> Thread.currentThread().getName(), Priority.HIGH);
            assertEquals(1, log.messages(Level.WARNING).size(), log.messages(Level.WARNING).toString());
            assertTrue(log.messages(Level.WARNING).get(0).contains("could not start its urgent thread"));
            assertEquals(2, made.get(), "asked once, not again for the second HIGH task");
            held.forEach(Blocker::release);
            assertEquals("urgent-refused-worker-0", high.get(10, TimeUnit.SECONDS));
            assertEquals("urgent-refused-worker-0", second.get(10, TimeUnit.SECONDS));
            Schedulers.stop(s);
            assertEquals(0, s.metrics().spareWorkers(), "the unit it had reserved was given back");
        }
    }

    @Test
    void anObserverThatThrowsCostsTheUrgentThreadNothing() throws Exception {
        Scheduler s = SchedulerBuilder.create().workerCount(1).name("urgent-observer").taskObserver((p, wait, run) -> {
            throw new AssertionError("observer bug");
        }).build();
        List<Blocker> held = holdEveryWorker(s, 1, Priority.LOW);
        for (int i = 0; i < 5; i++) {
            assertEquals("urgent-observer-urgent", s.submit(() -> Thread.currentThread().getName(), Priority.HIGH).get(10, TimeUnit.SECONDS));
        }
        held.forEach(Blocker::release);
        Schedulers.stop(s); // fails if a task it finished went uncounted
        assertEquals(s.metrics().submitted(), s.metrics().finished());
    }

    /** Holds each of the {@code workers} workers with a blocker of {@code priority}, started. */
    private static List<Blocker> holdEveryWorker(Scheduler s, int workers, Priority priority) throws InterruptedException {
        List<Blocker> held = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Blocker b = new Blocker();
            s.execute(b, priority);
            held.add(b);
        }
        for (Blocker b : held) {
            b.awaitStarted();
        }
        return held;
    }

    /**
     * Whether the thread called {@code name} has ended, or ends within 5 s. Termination comes when
     * the thread's last act for the scheduler is done (it counts itself out in its run method's
     * finally block); the JVM may report the thread alive for a moment after that (a full unit run
     * once saw it so).
     */
    private static boolean endedAfterTermination(String name) throws InterruptedException {
        Optional<Thread> t = liveThread(name);
        if (t.isPresent()) {
            t.get().join(5_000);
        }
        return liveThread(name).isEmpty();
    }

    private static Optional<Thread> liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).findFirst();
    }
}
