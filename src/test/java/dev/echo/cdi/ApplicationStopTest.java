package dev.echo.cdi;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedTaskListener;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** When the application stops: reject, drain up to echo.stop.timeout, cancel the rest (listeners told), interrupt. */
class ApplicationStopTest {

    @Test
    void stoppingTheApplicationCancelsWhatCouldNotDrainAndEndsEveryThread() throws Exception {
        System.setProperty(EchoConfig.WORKERS, "1");
        System.setProperty(EchoConfig.STOP_TIMEOUT, "300ms");
        System.setProperty(EchoConfig.NAME, "stoptest");
        RecordingListener listener = new RecordingListener();
        List<String> events = listener.events;
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ManagedExecutorService executor;
        Future<?> queued;
        try {
            WeldContainer container = new Weld().disableDiscovery().addExtension(new EchoExtension())
                    .addBeanClass(EchoBeans.class).initialize();
            EchoBeans beans = container.select(EchoBeans.class).get();
            executor = beans.executor;
            executor.submit(() -> {
                started.countDown();
                try {
                    Thread.sleep(60_000); // outlives the 300 ms drain: must be interrupted
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            queued = executor.submit(ManagedTasks.runnable(() -> events.add("ran"), Map.of(), listener));
            container.close(); // application stop: @PreDestroy of Echo's runtime
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.STOP_TIMEOUT);
            System.clearProperty(EchoConfig.NAME);
        }
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the running task was not interrupted");
        assertTrue(queued.isCancelled(), "the task that could not drain was not cancelled");
        assertEquals(List.of("submitted", "aborted:CancellationException", "done:CancellationException"), events);
        assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> 1));
        for (Thread t : echoThreads()) {
            t.join(10_000); // the scheduler has terminated: each thread is leaving its run()
        }
        assertEquals(List.of(), echoThreads(), "Echo threads survived the application");
    }

    private static List<Thread> echoThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("stoptest-") && t.isAlive())
                .toList();
    }
}
