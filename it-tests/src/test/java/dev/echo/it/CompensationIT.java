package dev.echo.it;

import dev.echo.cdi.EchoRuntime;
import dev.echo.it.support.Deployments;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty, with Echo's default compensation (only the worker count is set, to 2): four tasks
 * that wait for each other all run, as they would on Liberty's own executor. Spare workers come
 * from the container's thread factory, carry the tasks' context and go away when idle.
 */
@ExtendWith(ArquillianExtension.class)
class CompensationIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("compensation", "echo.workers=2\necho.name=comp\n", CompensationIT.class);
    }

    @Inject
    ManagedExecutorService executor;

    @Inject
    EchoRuntime echo;

    @Test
    void fourTasksThatWaitForEachOtherAllRunOnTwoWorkers() throws Exception {
        CountDownLatch together = new CountDownLatch(4);
        List<Future<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(executor.submit(() -> {
                together.countDown();
                if (!together.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the others never started");
                }
                // a spare runs the task with its container context too
                new javax.naming.InitialContext().lookup("java:comp/DefaultManagedExecutorService");
                return Thread.currentThread().getName();
            }));
        }
        List<String> ranOn = new ArrayList<>();
        for (Future<String> f : tasks) {
            ranOn.add(f.get(60, TimeUnit.SECONDS));
        }
        assertTrue(ranOn.stream().anyMatch(n -> n.startsWith("comp-spare-")), "spare workers ran some: " + ranOn);
        assertTrue(echo.metrics().sparesStarted() >= 2, echo.metrics().toString());
        assertEquals(2, echo.metrics().workers());
        dev.echo.testing.Await.until(() -> echo.metrics().spareWorkers() == 0, java.time.Duration.ofSeconds(30),
                () -> "the spares retire once idle: " + echo.metrics());
    }
}
