package dev.echo.tck.witness;

import ee.jakarta.tck.concurrent.framework.TestUtil;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.testng.Arquillian;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.testng.annotations.Test;

import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * Runs beside the TCK in both runs and shows which executor the TCK's look-ups reached: through
 * the TCK's own (rewritten) {@code TestUtil}, the Echo run must get Echo's executors, whose tasks
 * run on Echo's workers, and the control must get Liberty's. Without it a broken rewrite or route
 * would let the Echo run pass on Liberty's executor.
 */
public class RoutingWitnessTests extends Arquillian {

    @Deployment
    public static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "routing-witness.war")
                .addClass(RoutingWitnessTests.class)
                .addPackage(TestUtil.class.getPackage());
    }

    @Test
    public void theTcksDefaultExecutorsAreTheRunsTarget() throws Exception {
        Properties route = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("META-INF/echo-tck-route.properties")) {
            assertNotNull(in, "the deployment carries the route's file");
            route.load(in);
        }
        boolean echo = "echo".equals(route.getProperty("target"));
        ManagedExecutorService executor = TestUtil.getManagedExecutorService();
        ManagedScheduledExecutorService scheduled = TestUtil.getManagedScheduledExecutorService();
        String worker = executor.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        String scheduledWorker = scheduled.schedule(() -> Thread.currentThread().getName(), 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        String description = executor.getClass().getName() + " / " + scheduled.getClass().getName() + " on " + worker + " / " + scheduledWorker;
        assertEquals(executor.getClass().getName().startsWith("dev.echo."), echo, description);
        assertEquals(scheduled.getClass().getName().startsWith("dev.echo."), echo, description);
        assertEquals(worker.startsWith("echo-"), echo, description);
        assertEquals(scheduledWorker.startsWith("echo-"), echo, description);
        if (!echo) {
            assertTrue("liberty".equals(route.getProperty("target")), String.valueOf(route));
            assertFalse(description.contains("dev.echo"), description);
        }
    }
}
