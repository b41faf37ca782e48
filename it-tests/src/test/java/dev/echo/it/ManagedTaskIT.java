package dev.echo.it;

import dev.echo.cdi.executor.EchoManagedExecutor;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedTaskListener;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty: ManagedTask listeners and execution properties. */
@ExtendWith(ArquillianExtension.class)
class ManagedTaskIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("managedtask", "echo.workers=1\n", ManagedTaskIT.class);
    }

    @Inject
    ManagedExecutorService executor;

    @Test
    void listenersHearSubmittedStartingDoneAndAbortedOnCancel() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        executor.submit(() -> release.await(30, TimeUnit.SECONDS));
        Future<String> ran = executor.submit(task("a", events, done, Map.of()));
        Future<String> cancelled = executor.submit(task("b", events, done, Map.of()));
        assertTrue(cancelled.cancel(true));
        release.countDown();
        assertEquals("a", ran.get(30, TimeUnit.SECONDS));
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("a:submitted", "a:starting", "a:done"), events.stream().filter(e -> e.startsWith("a:")).toList());
        assertEquals(List.of("b:submitted", "b:aborted", "b:done"), events.stream().filter(e -> e.startsWith("b:")).toList());
    }

    @Test
    void thePriorityPropertyIsHonouredAndABadValueIsRejected() throws Exception {
        Future<String> low = executor.submit(task("low", new CopyOnWriteArrayList<>(), new CountDownLatch(1),
                Map.of(EchoManagedExecutor.PRIORITY_PROPERTY, "LOW")));
        assertEquals("low", low.get(30, TimeUnit.SECONDS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> executor.submit(task("x",
                new CopyOnWriteArrayList<>(), new CountDownLatch(1), Map.of(EchoManagedExecutor.PRIORITY_PROPERTY, "SOON"))));
        assertTrue(e.getMessage().contains("'dev.echo.priority'") && e.getMessage().contains("'SOON'"), e.getMessage());
        Callable<Priority> seen = () -> dev.echo.scheduler.Scheduler.currentPriority().orElseThrow();
        assertEquals(Priority.NORMAL, executor.submit(seen).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aLongRunningTaskLeavesTheOnlyWorkerFree() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<String> longOne = executor.submit(new LongTask(release));
        // with echo.workers=1 this only completes if the long task is not on the worker
        assertEquals("short", executor.submit(() -> "short").get(30, TimeUnit.SECONDS));
        release.countDown();
        assertEquals("long", longOne.get(30, TimeUnit.SECONDS));
    }

    record LongTask(CountDownLatch release) implements Callable<String>, ManagedTask {
        @Override
        public String call() throws Exception {
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return "long";
        }

        @Override
        public ManagedTaskListener getManagedTaskListener() {
            return null;
        }

        @Override
        public Map<String, String> getExecutionProperties() {
            return Map.of(ManagedTask.LONGRUNNING_HINT, "true", ManagedTask.IDENTITY_NAME, "report");
        }
    }

    private static Callable<String> task(String name, List<String> events, CountDownLatch done, Map<String, String> props) {
        class Listened implements Callable<String>, ManagedTask {
            @Override
            public String call() {
                return name;
            }

            @Override
            public Map<String, String> getExecutionProperties() {
                return props;
            }

            @Override
            public ManagedTaskListener getManagedTaskListener() {
                return new ManagedTaskListener() {
                    @Override
                    public void taskSubmitted(Future<?> f, ManagedExecutorService e, Object t) {
                        events.add(name + ":submitted");
                    }

                    @Override
                    public void taskAborted(Future<?> f, ManagedExecutorService e, Object t, Throwable x) {
                        events.add(name + ":aborted");
                    }

                    @Override
                    public void taskDone(Future<?> f, ManagedExecutorService e, Object t, Throwable x) {
                        events.add(name + ":done");
                        done.countDown();
                    }

                    @Override
                    public void taskStarting(Future<?> f, ManagedExecutorService e, Object t) {
                        events.add(name + ":starting");
                    }
                };
            }
        }
        return new Listened();
    }
}
