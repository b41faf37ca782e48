package dev.echo.it;

import dev.echo.cdi.EchoManagedExecutor;
import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty: adding the jar to a WAR makes both executors and the prioritised views resolve to Echo. */
@ExtendWith(ArquillianExtension.class)
class InjectionIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.showcase("injection", InjectionIT.class);
    }

    @Inject
    ManagedExecutorService executor;

    @Inject
    ManagedScheduledExecutorService scheduled;

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @Test
    void bothExecutorsAndTheQualifiedViewAreEcho() throws Exception {
        assertInstanceOf(EchoManagedExecutor.class, executor);
        assertInstanceOf(EchoManagedExecutor.class, scheduled);
        assertEquals(Priority.HIGH, ((EchoManagedExecutor) high).defaultPriority());
        String thread = executor.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        assertTrue(thread.startsWith("echo-worker-"), thread);
        assertEquals("later", scheduled.schedule(() -> "later", 10, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS));
        assertEquals(Priority.HIGH, high.submit(() -> dev.echo.scheduler.Scheduler.currentPriority().orElseThrow())
                .get(30, TimeUnit.SECONDS));
    }
}
