package dev.echo.it;

import dev.echo.cdi.executor.EchoManagedExecutor;
import dev.echo.it.support.Deployments;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty: MicroProfile Config (the application's microprofile-config.properties) configures Echo. */
@ExtendWith(ArquillianExtension.class)
class ConfigIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("config", "echo.workers=3\necho.name=configured\necho.aging.threshold=250ms\n",
                ConfigIT.class);
    }

    @Inject
    ManagedExecutorService executor;

    @Test
    void microProfileConfigOverridesTheDefaults() throws Exception {
        assertEquals(3, workersSeen());
        // the scheduler itself was built with the configured settings
        dev.echo.scheduler.Scheduler scheduler = ((EchoManagedExecutor) executor).runtime().scheduler();
        assertEquals(java.time.Duration.ofMillis(250), scheduler.agingThreshold());
        assertEquals(3, scheduler.workerCount());
        assertEquals("configured", scheduler.name());
    }

    /** Three tasks that wait for each other can only finish if three workers run them at once. */
    private int workersSeen() throws Exception {
        CountDownLatch together = new CountDownLatch(3);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 3; i++) {
            executor.submit(() -> {
                threads.add(Thread.currentThread().getName());
                together.countDown();
                return together.await(30, TimeUnit.SECONDS);
            });
        }
        assertTrue(together.await(30, TimeUnit.SECONDS), "fewer than 3 workers");
        for (String t : threads) {
            assertTrue(t.startsWith("configured-worker-"), t);
        }
        return threads.size();
    }
}
