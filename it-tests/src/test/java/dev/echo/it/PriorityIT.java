package dev.echo.it;

import dev.echo.testing.Blocker;
import dev.echo.it.support.Deployments;
import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty, with the pool saturated: HIGH work overtakes every queued LOW and NORMAL task. */
@ExtendWith(ArquillianExtension.class)
class PriorityIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("priority", "echo.workers=1\necho.max-workers=1\n", PriorityIT.class);
    }

    @Inject
    ManagedExecutorService normal;

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @Inject
    @EchoPriority(Priority.LOW)
    ManagedExecutorService low;

    @Test
    void highOvertakesQueuedLowAndNormalWorkOnASaturatedPool() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Blocker blocker = new Blocker();
        Future<?> held = normal.submit(blocker);
        blocker.awaitStarted(); // the only worker is held: everything below queues
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            all.add(low.submit(() -> order.add("low" + n)));
            all.add(normal.submit(() -> order.add("normal" + n)));
        }
        all.add(high.submit(() -> order.add("high")));
        blocker.release();
        held.get(30, TimeUnit.SECONDS);
        for (Future<?> f : all) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals("high", order.get(0), order.toString());
        assertEquals(List.of("normal0", "normal1", "normal2", "normal3", "normal4"), order.subList(1, 6), order.toString());
        assertEquals(List.of("low0", "low1", "low2", "low3", "low4"), order.subList(6, 11), order.toString());
    }
}
