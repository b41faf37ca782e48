package dev.echo.cdi;

import dev.echo.cdi.config.EchoConfig;
import dev.echo.cdi.executor.EchoManagedExecutor;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class EchoConfigTest {

    private static EchoConfig read(Map<String, String> values) {
        return EchoConfig.read(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void defaultsMatchTheBuilder() {
        EchoConfig c = read(Map.of());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.workers());
        assertEquals(Integer.MAX_VALUE, c.queueCapacity());
        assertEquals(Duration.ofMillis(500), c.agingThreshold());
        assertEquals(Duration.ofSeconds(30), c.stopTimeout());
        assertEquals("echo", c.name());
    }

    @Test
    void valuesAreParsed() {
        EchoConfig c = read(Map.of(EchoConfig.WORKERS, "3", EchoConfig.QUEUE_CAPACITY, "1000",
                EchoConfig.AGING_THRESHOLD, "250ms", EchoConfig.STOP_TIMEOUT, "PT2S", EchoConfig.NAME, "orders"));
        assertEquals(3, c.workers());
        assertEquals(1000, c.queueCapacity());
        assertEquals(Duration.ofMillis(250), c.agingThreshold());
        assertEquals(Duration.ofSeconds(2), c.stopTimeout());
        assertEquals("orders", c.name());
        assertEquals(Duration.ofSeconds(90), read(Map.of(EchoConfig.STOP_TIMEOUT, "1.5m")).stopTimeout());
        assertEquals(Duration.ofMillis(1500), read(Map.of(EchoConfig.STOP_TIMEOUT, "1.5s")).stopTimeout());
        assertEquals(Duration.ofMillis(40), read(Map.of(EchoConfig.AGING_THRESHOLD, "40")).agingThreshold());
        assertEquals(Integer.MAX_VALUE, read(Map.of(EchoConfig.QUEUE_CAPACITY, "unbounded")).queueCapacity());
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.WORKERS, "zero")));
        assertEquals("Echo configuration 'echo.workers' must be an integer >= 1, was 'zero'", w.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.WORKERS, "0")));
        IllegalArgumentException q = assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.QUEUE_CAPACITY, "-1")));
        assertTrue(q.getMessage().contains("'echo.queue.capacity'") && q.getMessage().contains("'unbounded'"), q.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.AGING_THRESHOLD, "soon")));
        assertTrue(a.getMessage().startsWith("Echo configuration 'echo.aging.threshold' must be a duration"), a.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.AGING_THRESHOLD, "0ms")));
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.STOP_TIMEOUT, "-PT1S")));
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.NAME, " ")));
    }

    @Test
    void aBadValueFailsTheDeploymentNamingTheKey() {
        System.setProperty(EchoConfig.WORKERS, "many");
        try {
            Weld weld = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(EchoBeans.class);
            Exception e = assertThrows(Exception.class, () -> weld.initialize().close());
            String all = messages(e);
            assertTrue(all.contains("'echo.workers' must be an integer >= 1, was 'many'"), all);
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
        }
    }

    @Test
    void systemPropertiesConfigureEchoWithoutMicroProfileConfig() throws Exception {
        System.setProperty(EchoConfig.WORKERS, "3");
        System.setProperty(EchoConfig.NAME, "sysprop");
        try (var container = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(EchoBeans.class)
                .initialize()) {
            EchoBeans beans = container.select(EchoBeans.class).get();
            EchoManagedExecutor e = (EchoManagedExecutor) beans.executor;
            assertEquals(3, e.runtime().scheduler().workerCount());
            assertTrue(beans.executor.submit(() -> Thread.currentThread().getName()).get().startsWith("sysprop-worker-"));
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.NAME);
        }
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    @Test
    void aRejectedTaskIsLoggedAtWarningWithTheReason() throws Exception {
        System.setProperty(EchoConfig.WORKERS, "1");
        System.setProperty(EchoConfig.QUEUE_CAPACITY, "1");
        java.util.List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(EchoManagedExecutor.class.getName());
        logger.addHandler(handler);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (var container = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(EchoBeans.class)
                .initialize()) {
            EchoBeans beans = container.select(EchoBeans.class).get();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            beans.executor.submit(() -> {
                started.countDown();
                return release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            });
            assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
            beans.executor.submit(() -> 1); // fills the queue of capacity 1
            assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> beans.executor.submit(() -> 2));
            release.countDown();
        } finally {
            logger.removeHandler(handler);
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.QUEUE_CAPACITY);
        }
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == java.util.logging.Level.WARNING
                && r.getMessage().contains("rejected") && r.getMessage().contains("queue is full (capacity 1)")),
                records.stream().map(java.util.logging.LogRecord::getMessage).toList().toString());
    }
}
