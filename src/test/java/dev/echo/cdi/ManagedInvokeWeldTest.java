package dev.echo.cdi;

import dev.echo.testing.Blocking;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * invokeAll and invokeAny of Echo's ManagedExecutorService (Echo's own code, not the scheduler's):
 * the ExecutorService contract, each "throws" and "must" of its javadoc.
 */
@EnableWeld
class ManagedInvokeWeldTest {

    @WeldSetup
    WeldInitiator weld = EchoWeld.initiator(EchoBeans.class);

    @Inject
    EchoBeans beans;

    private ManagedExecutorService executor() {
        return beans.executor;
    }

    /** A task that holds its worker until interrupted, counting the interrupt. */
    private static Callable<String> untilInterrupted(CountDownLatch started, CountDownLatch interrupted) {
        return () -> {
            started.countDown();
            try {
                Blocking.untilInterrupted();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "never";
        };
    }

    @Test
    void invokeAllReturnsDoneFuturesInTaskOrderWithEachOutcome() throws Exception {
        List<Callable<String>> tasks = List.of(() -> "a", () -> {
            throw new IllegalStateException("b failed");
        }, () -> "c");
        List<Future<String>> futures = executor().invokeAll(tasks);
        assertEquals(3, futures.size());
        futures.forEach(f -> assertTrue(f.isDone(), "invokeAll returns only when every task is done"));
        assertEquals("a", futures.get(0).get());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> futures.get(1).get());
        assertEquals("b failed", failed.getCause().getMessage());
        assertEquals("c", futures.get(2).get());
    }

    @Test
    void invokeAllOfNoTasksIsAnEmptyList() throws Exception {
        assertEquals(List.of(), executor().invokeAll(List.of()));
        assertEquals(List.of(), executor().invokeAll(List.of(), 1, TimeUnit.SECONDS));
    }

    @Test
    void invokeAllWithANullTaskThrowsAndRunsNothing() {
        AtomicInteger ran = new AtomicInteger();
        List<Callable<Integer>> withNull = Arrays.asList(ran::incrementAndGet, null);
        assertThrows(NullPointerException.class, () -> executor().invokeAll(withNull));
        assertThrows(NullPointerException.class, () -> executor().invokeAll(withNull, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> executor().invokeAny(withNull));
        assertThrows(NullPointerException.class, () -> executor().invokeAny(withNull, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> executor().invokeAll(null));
        assertThrows(NullPointerException.class, () -> executor().invokeAny(null));
        // a submitted element would have run by the time a task submitted after it has
        try {
            assertEquals(0, executor().submit(ran::get).get(10, TimeUnit.SECONDS), "an element before the null was run");
        } catch (Exception e) {
            fail(e);
        }
    }

    @Test
    void invokeAllWithATimeoutCancelsAndInterruptsWhatDidNotFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(() -> "fast", untilInterrupted(started, interrupted));
        // The timeout is a real duration: the second task outlives it; 2 s leave the first one room.
        List<Future<String>> futures = executor().invokeAll(tasks, 2, TimeUnit.SECONDS);
        assertEquals("fast", futures.get(0).get());
        assertTrue(futures.get(1).isCancelled());
        assertThrows(CancellationException.class, () -> futures.get(1).get());
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the unfinished task was not interrupted");
    }

    @Test
    void invokeAnyReturnsTheResultOfOneThatSucceeded() throws Exception {
        List<Callable<String>> tasks = List.of(() -> {
            throw new IllegalStateException("first fails");
        }, () -> "second");
        assertEquals("second", executor().invokeAny(tasks));
        assertEquals("second", executor().invokeAny(tasks, 10, TimeUnit.SECONDS));
    }

    @Test
    void invokeAnyCancelsTheOthersOnceOneSucceeded() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = new ArrayList<>();
        tasks.add(untilInterrupted(started, interrupted));
        tasks.add(() -> {
            assertTrue(started.await(10, TimeUnit.SECONDS)); // the loser is running before the winner answers
            return "winner";
        });
        assertEquals("winner", executor().invokeAny(tasks, 10, TimeUnit.SECONDS));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the task still running was not cancelled");
    }

    @Test
    void invokeAnyWhenAllFailThrowsExecutionExceptionWithACause() {
        List<Callable<String>> tasks = List.of(() -> {
            throw new IllegalStateException("one");
        }, () -> {
            throw new IllegalArgumentException("two");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor().invokeAny(tasks));
        assertNotNull(e.getCause());
        assertTrue(e.getCause() instanceof IllegalStateException || e.getCause() instanceof IllegalArgumentException,
                e.getCause().toString());
        assertThrows(ExecutionException.class, () -> executor().invokeAny(tasks, 10, TimeUnit.SECONDS));
    }

    @Test
    void invokeAnyTimesOutAndCancelsTheTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        assertThrows(TimeoutException.class,
                () -> executor().invokeAny(List.of(untilInterrupted(started, interrupted)), 100, TimeUnit.MILLISECONDS));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the task was not cancelled after the timeout");
    }

    @Test
    void invokeAnyOfNoTasksIsIllegal() {
        assertThrows(IllegalArgumentException.class, () -> executor().invokeAny(List.<Callable<String>>of()));
        assertThrows(IllegalArgumentException.class, () -> executor().invokeAny(List.<Callable<String>>of(), 1, TimeUnit.SECONDS));
    }
}
