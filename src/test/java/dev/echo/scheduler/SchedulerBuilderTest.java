package dev.echo.scheduler;

import dev.echo.testing.RecordingThreadFactory;
import dev.echo.testing.Schedulers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class SchedulerBuilderTest {

    @Test
    void workerCountMustBePositive() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> SchedulerBuilder.create().workerCount(0));
        assertEquals("workerCount must be at least 1, was 0", zero.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> SchedulerBuilder.create().workerCount(-3));
        assertTrue(negative.getMessage().contains("-3"));
    }

    @Test
    void defaultWorkerCountIsTheNumberOfProcessors() {
        Scheduler s = SchedulerBuilder.create().build();
        try {
            assertEquals(Runtime.getRuntime().availableProcessors(), s.workerCount());
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void queueCapacityMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerBuilder.create().queueCapacity(0));
        assertEquals("queueCapacity must be at least 1, was 0", e.getMessage());
        assertEquals("queueCapacity must be at least 1, was -5", assertThrows(IllegalArgumentException.class,
                () -> SchedulerBuilder.create().queueCapacity(-5)).getMessage());
    }

    @Test
    void threadFactoryMustNotBeNull() {
        assertEquals("threadFactory must not be null",
                assertThrows(NullPointerException.class, () -> SchedulerBuilder.create().threadFactory(null)).getMessage());
    }

    @Test
    void agingThresholdMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> SchedulerBuilder.create().agingThreshold(Duration.ZERO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerBuilder.create().agingThreshold(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("agingThreshold must be positive"), e.getMessage());
        assertThrows(NullPointerException.class, () -> SchedulerBuilder.create().agingThreshold(null));
    }

    @Test
    void nameMustNotBeBlank() {
        assertThrows(IllegalArgumentException.class, () -> SchedulerBuilder.create().name("  "));
        assertThrows(NullPointerException.class, () -> SchedulerBuilder.create().name(null));
    }

    @Test
    void taskObserverMustNotBeNull() {
        assertEquals("taskObserver must not be null",
                assertThrows(NullPointerException.class, () -> SchedulerBuilder.create().taskObserver(null)).getMessage());
    }

    @Test
    void threadsComeFromTheGivenFactoryAndKeepItsNames() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ThreadFactory named = r -> {
            Thread t = new Thread(r, "app-pool-" + n.incrementAndGet());
            t.setDaemon(true);
            made.add(t);
            return t;
        };
        Scheduler s = SchedulerBuilder.create().workerCount(3).threadFactory(named).name("orders").build();
        try {
            assertEquals(3, made.size());
            String ranOn = s.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            assertTrue(ranOn.matches("app-pool-[123]"), "the factory's own name: " + ranOn);
            assertTrue(made.stream().allMatch(t -> t.getName().startsWith("app-pool-")), made.toString());
            String timer = s.schedule(() -> "x", Duration.ofMillis(1), dev.echo.task.Priority.HIGH).thenApply(x -> "")
                    .get(10, TimeUnit.SECONDS); // makes the timer thread
            assertEquals("", timer);
            assertTrue(made.stream().allMatch(t -> t.getName().startsWith("app-pool-")), "the timer too: " + made);
        } finally {
            Schedulers.stop(s);
        }
    }

    @Test
    void theDefaultFactorysThreadsAndThoseAskedForCarryTheSchedulersName() throws Exception {
        Scheduler plain = SchedulerBuilder.create().workerCount(1).name("orders").build();
        RecordingThreadFactory factory = new RecordingThreadFactory();
        Scheduler asked = SchedulerBuilder.create().workerCount(1).threadFactory(factory).nameThreads(true).name("billing").build();
        try {
            assertTrue(plain.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS).startsWith("orders-worker-"));
            String ranOn = asked.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            assertTrue(ranOn.startsWith("billing-worker-"), ranOn);
            assertTrue(factory.threads().stream().anyMatch(t -> t.getName().equals(ranOn)));
        } finally {
            Schedulers.stop(plain);
            Schedulers.stop(asked);
        }
    }

    @Test
    void aFactoryReturningNullFailsTheBuildClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchedulerBuilder.create().workerCount(1).threadFactory(r -> null).build());
        assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    }

    @Test
    void settingsAreReported() {
        Scheduler s = SchedulerBuilder.create().workerCount(2).queueCapacity(10)
                .agingThreshold(Duration.ofMillis(70)).name("x").build();
        try {
            assertEquals(2, s.workerCount());
            assertEquals(10, s.queueCapacity());
            assertEquals(Duration.ofMillis(70), s.agingThreshold());
            assertEquals("x", s.name());
        } finally {
            Schedulers.stop(s);
        }
    }
}
