package dev.echo.cdi;

import java.time.Duration;
import java.util.logging.Level;
import dev.echo.testing.Await;
import dev.echo.testing.LogCapture;
import dev.echo.testing.ManagedTasks;
import dev.echo.testing.RecordingListener;
import dev.echo.cdi.config.EchoConfig;
import dev.echo.cdi.executor.ApplicationScheduler;
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
        System.setProperty(EchoConfig.MAX_WORKERS_KEY, "1"); // one worker, no spares: the test is about that one
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
                    dev.echo.testing.Blocking.untilInterrupted(); // outlives the 300 ms drain: must be interrupted
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            queued = executor.submit(ManagedTasks.runnable(() -> events.add("ran"), Map.of(), listener));
            container.close(); // application stop: @PreDestroy of Echo's runtime
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.MAX_WORKERS_KEY);
            System.clearProperty(EchoConfig.STOP_TIMEOUT);
            System.clearProperty(EchoConfig.NAME);
        }
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the running task was not interrupted");
        assertTrue(queued.isCancelled(), "the task that could not drain was not cancelled");
        assertEquals(List.of("submitted", "aborted:CancellationException", "done:CancellationException"), events);
        assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> 1));
        // a long-running task has a thread of its own, but none after the application stopped
        assertThrows(RejectedExecutionException.class, () -> executor.submit(ManagedTasks.runnable(() -> { },
                Map.of(ManagedTask.LONGRUNNING_HINT, "true"), null)));
        for (Thread t : echoThreads()) {
            t.join(10_000); // the scheduler has terminated: each thread is leaving its run()
        }
        assertEquals(List.of(), echoThreads(), "Echo threads survived the application");
    }

    @Test
    void theStopLineSaysHowManyTasksDrainedAndHowManyWereCancelled() throws Exception {
        System.setProperty(EchoConfig.WORKERS, "1");
        System.setProperty(EchoConfig.MAX_WORKERS_KEY, "1"); // one worker, no spares: the test is about that one
        System.setProperty(EchoConfig.STOP_TIMEOUT, "20s");
        System.setProperty(EchoConfig.NAME, "stopline");
        List<String> lines;
        Future<?> holder;
        try (LogCapture log = LogCapture.of(ApplicationScheduler.class, Level.INFO)) {
            WeldContainer container = new Weld().disableDiscovery().addExtension(new EchoExtension())
                    .addBeanClass(EchoBeans.class).initialize();
            EchoBeans beans = container.select(EchoBeans.class).get();
            EchoRuntime runtime = container.select(EchoRuntime.class).get();
            CountDownLatch started = new CountDownLatch(1);
            holder = beans.executor.submit(() -> {
                started.countDown();
                // hold the only worker until the stop has begun, so the 3 tasks behind it drain during the stop
                Await.until(() -> !runtime.health().ready(), Duration.ofSeconds(20), () -> "the stop began");
                return null;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) {
                beans.executor.submit(() -> { });
            }
            container.close();
            lines = log.messages(Level.INFO);
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.MAX_WORKERS_KEY);
            System.clearProperty(EchoConfig.STOP_TIMEOUT);
            System.clearProperty(EchoConfig.NAME);
        }
        holder.get(10, TimeUnit.SECONDS); // the holder's own check (the stop began) reaches this thread
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Echo ManagedExecutorService started for the application: 1 workers")), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Echo ManagedExecutorService stopped: drained 4 tasks")
                && l.contains(" 0 queued tasks cancelled")), lines::toString);
    }

    private static List<Thread> echoThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("stoptest-") && t.isAlive())
                .toList();
    }
}
