package dev.echo.it;

import dev.echo.cdi.EchoPriority;
import dev.echo.cdi.EchoRuntime;
import dev.echo.it.support.Deployments;
import dev.echo.task.Priority;
import dev.echo.testing.Blocker;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty, with Echo's defaults (only the worker count set, to 2): while every worker runs LOW
 * work, a HIGH task starts at once on the urgent thread — made by the container's thread factory
 * and running the task with its container context — and a NORMAL task still waits for a worker.
 */
@ExtendWith(ArquillianExtension.class)
class UrgentThreadIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("urgent", "echo.workers=2\necho.name=urgent\n", UrgentThreadIT.class);
    }

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @Inject
    @EchoPriority(Priority.LOW)
    ManagedExecutorService low;

    @Inject
    ManagedExecutorService normal;

    @Inject
    EchoRuntime echo;

    @Test
    void aHighTaskStartsOnTheUrgentThreadWithItsContextWhileEveryWorkerRunsLowWork() throws Exception {
        List<Blocker> blockers = new ArrayList<>();
        List<Future<?>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Blocker b = new Blocker();
            blockers.add(b);
            held.add(low.submit(b));
        }
        for (Blocker b : blockers) {
            b.awaitStarted();
        }
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        Future<String> normalTask = normal.submit(() -> Thread.currentThread().getName());
        // the workers stay held until after this returns: only the urgent thread can run it
        String ran = high.submit(() -> {
            new javax.naming.InitialContext().lookup("java:comp/DefaultManagedExecutorService"); // the component's namespace
            assertSame(application, Thread.currentThread().getContextClassLoader(), "the application's class loader");
            return Thread.currentThread().getName() + "/" + dev.echo.scheduler.Scheduler.currentPriority().orElseThrow();
        }).get(30, TimeUnit.SECONDS);
        assertEquals("urgent-urgent/HIGH", ran);
        assertFalse(normalTask.isDone(), "a NORMAL task waits for a worker");
        assertEquals(1, echo.metrics().spareWorkers(), "the urgent thread is paid from the spares' budget: " + echo.metrics());
        blockers.forEach(Blocker::release);
        for (Future<?> f : held) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertTrue(normalTask.get(30, TimeUnit.SECONDS).startsWith("urgent-worker-"));
    }
}
