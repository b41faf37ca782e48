package dev.echo.cdi;

import dev.echo.cdi.config.SigningKeys;

import dev.echo.testing.Schedulers;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.scheduler.Scheduler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.List;
import java.util.logging.Level;
import dev.echo.testing.Causes;
import dev.echo.testing.Blocker;
import dev.echo.testing.LogCapture;
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
        // the same scheduler as the builder's defaults, whatever they are
        Scheduler fromBuilder = SchedulerBuilder.create().build();
        Scheduler fromConfig = c.toBuilder().build();
        try {
            assertEquals(fromBuilder.workerCount(), fromConfig.workerCount());
            assertEquals(fromBuilder.queueCapacity(), fromConfig.queueCapacity());
            assertEquals(fromBuilder.agingThreshold(), fromConfig.agingThreshold());
            assertEquals(fromBuilder.name(), fromConfig.name());
            assertEquals(fromBuilder.maxWorkers(), fromConfig.maxWorkers());
        } finally {
            Schedulers.stop(fromBuilder);
            Schedulers.stop(fromConfig);
        }
        assertEquals(SchedulerBuilder.DEFAULT_AGING_THRESHOLD, c.agingThreshold());
        assertEquals(SchedulerBuilder.DEFAULT_NAME, c.name());
        assertEquals(EchoConfig.DEFAULT_STOP_TIMEOUT, c.stopTimeout());
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

    /** base64 of 32 bytes (0..31), and of 31. */
    private static final String KEY_32 = java.util.Base64.getEncoder().encodeToString(bytes(32));
    private static final String KEY_31 = java.util.Base64.getEncoder().encodeToString(bytes(31));

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    @Test
    void jmsWithoutASigningKeyFailsNamingTheKeyAndABadKeyFailsWithoutShowingIt() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(EchoConfig.ACTIONS_QUEUE, "jms")));
        assertTrue(missing.getMessage().contains("'" + SigningKeys.SIGNING_KEY + "'"), missing.getMessage());
        assertFalse(EchoConfig.actionQueue(k -> Optional.empty()).signing().present(), "memory needs no key");
        String secretButShort = KEY_31;
        for (Map<String, String> bad : List.of(
                Map.of(EchoConfig.ACTIONS_QUEUE, "jms", SigningKeys.SIGNING_KEY, secretButShort),
                Map.of(EchoConfig.ACTIONS_QUEUE, "jms", SigningKeys.SIGNING_KEY, "not*base64*" + KEY_32),
                Map.of(EchoConfig.ACTIONS_QUEUE, "jms", SigningKeys.SIGNING_KEY, KEY_32, SigningKeys.PREVIOUS_SIGNING_KEYS,
                        KEY_32 + "," + secretButShort),
                Map.of(EchoConfig.ACTIONS_QUEUE, "jms", SigningKeys.SIGNING_KEY, KEY_32, EchoConfig.ACTIONS_JMS_APPLICATION,
                        "x' OR '1'='1"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(bad), bad.toString());
            assertTrue(e.getMessage().contains("echo.actions.jms."), e.getMessage());
            assertFalse(e.getMessage().contains(secretButShort) || e.getMessage().contains(KEY_32), "a key never appears in an error: "
                    + e.getMessage());
        }
        var keys = EchoConfig.actionQueue(k -> Optional.ofNullable(Map.of(EchoConfig.ACTIONS_QUEUE, "jms", LOGIN_USER, "echo-server",
                LOGIN_PASSWORD, LONG_PASSWORD, SigningKeys.SIGNING_KEY, KEY_32, SigningKeys.PREVIOUS_SIGNING_KEYS,
                " " + java.util.Base64.getUrlEncoder().encodeToString(bytes(40)) + " , " + KEY_32).get(k))).signing();
        assertEquals(3, keys.verifying().size(), "the signing key and both previous keys verify");
        assertArrayEquals(bytes(32), keys.signing());
        assertArrayEquals(bytes(40), keys.verifying().get(1), "URL-safe base64 and blanks are accepted");
        assertFalse(keys.toString().contains(KEY_32), keys.toString());
        assertFalse(EchoConfig.actionQueue(k -> Optional.ofNullable(Map.of(EchoConfig.ACTIONS_QUEUE, "jms", LOGIN_USER, "echo-server",
                LOGIN_PASSWORD, LONG_PASSWORD, SigningKeys.SIGNING_KEY, KEY_32).get(k))).toString().contains(KEY_32),
                "nor in the settings' text");
    }

    private static final String LOGIN_USER = dev.echo.cdi.config.MessagingLogin.USER;
    private static final String LOGIN_PASSWORD = dev.echo.cdi.config.MessagingLogin.PASSWORD;
    private static final String LONG_PASSWORD = "sixteen-chars-ok";

    @Test
    void jmsNeedsTheServersMessagingLoginWithALongPasswordNeverShown() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(EchoConfig.ACTIONS_QUEUE, "jms", SigningKeys.SIGNING_KEY, KEY_32)));
        assertTrue(missing.getMessage().contains("'" + LOGIN_USER + "'") && missing.getMessage().contains("'" + LOGIN_PASSWORD + "'"),
                missing.getMessage());
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.ACTIONS_QUEUE,
                "jms", SigningKeys.SIGNING_KEY, KEY_32, LOGIN_USER, "echo-server", LOGIN_PASSWORD, "fifteen-chars-x")));
        assertTrue(shortOne.getMessage().contains("'" + LOGIN_PASSWORD + "' must be at least 16 characters"), shortOne.getMessage());
        assertFalse(shortOne.getMessage().contains("fifteen-chars-x"), "never the password: " + shortOne.getMessage());
        var login = EchoConfig.actionQueue(k -> Optional.ofNullable(Map.of(EchoConfig.ACTIONS_QUEUE, "jms", SigningKeys.SIGNING_KEY,
                KEY_32, LOGIN_USER, "echo-server", LOGIN_PASSWORD, LONG_PASSWORD).get(k))).login();
        assertEquals(LONG_PASSWORD, login.password(), "16 characters are enough");
    }

    @Test
    void theEnginesRedeliveryLimitIsReadWhereTheServerStatesItAndUnknownElsewhere() {
        assertEquals(0, EchoConfig.actionQueue(k -> Optional.empty()).engineMaxDeliveries(), "unknown by default");
        assertEquals(7, EchoConfig.actionQueue(k -> Optional.ofNullable(Map.of(EchoConfig.ACTIONS_JMS_ENGINE_MAX_DELIVERIES, "7")
                .get(k))).engineMaxDeliveries());
        for (String bad : List.of("0", "-1", "1001", "five")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EchoConfig.actionQueue(
                    k -> Optional.ofNullable(Map.of(EchoConfig.ACTIONS_JMS_ENGINE_MAX_DELIVERIES, bad).get(k))), bad);
            assertTrue(e.getMessage().contains(EchoConfig.ACTIONS_JMS_ENGINE_MAX_DELIVERIES), e.getMessage());
        }
    }

    @Test
    void aMessagingUserNeedsItsPasswordAndThePasswordIsNeverShown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(
                dev.echo.cdi.config.MessagingLogin.USER, "echo-server")));
        assertTrue(e.getMessage().contains("'" + dev.echo.cdi.config.MessagingLogin.PASSWORD + "'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(dev.echo.cdi.config.MessagingLogin.PASSWORD, "pw")));
        assertTrue(e.getMessage().contains("'" + dev.echo.cdi.config.MessagingLogin.USER + "'"), e.getMessage());
        var login = EchoConfig.actionQueue(k -> Optional.ofNullable(Map.of(dev.echo.cdi.config.MessagingLogin.USER, " echo-server ",
                dev.echo.cdi.config.MessagingLogin.PASSWORD, "s3cret").get(k))).login();
        assertEquals("echo-server", login.user());
        assertEquals("s3cret", login.password());
        assertFalse(login.toString().contains("s3cret"), login.toString());
        assertFalse(EchoConfig.actionQueue(k -> Optional.empty()).login().present(), "none by default");
    }

    @Test
    void theActionQueueSettingsHaveDefaultsAndBadValuesFailNamingTheKey() {
        var d = EchoConfig.actionQueue(k -> Optional.empty());
        assertFalse(d.jms(), "memory unless the application asks for jms");
        assertEquals("jms/echo/cf", d.connectionFactory());
        assertEquals("jms/echo/actions", d.queue());
        assertEquals("jms/echo/runs", d.topic());
        assertEquals(8, d.window());
        assertEquals(5, d.maxDeliveries());
        assertEquals(1, d.bundle(), "bundles are opt-in");
        assertFalse(d.serverName().isBlank());
        Map<String, String> set = new java.util.HashMap<>(Map.of(EchoConfig.ACTIONS_QUEUE, " JMS ",
                EchoConfig.ACTIONS_JMS_CONNECTION_FACTORY, "jms/x", EchoConfig.ACTIONS_JMS_QUEUE, "jms/q", EchoConfig.ACTIONS_JMS_TOPIC,
                "jms/t", EchoConfig.ACTIONS_JMS_WINDOW, "64", EchoConfig.ACTIONS_JMS_MAX_DELIVERIES, "3", EchoConfig.ACTIONS_SERVER_NAME,
                "node-1", SigningKeys.SIGNING_KEY, KEY_32, EchoConfig.ACTIONS_JMS_APPLICATION, "shop"));
        set.putAll(Map.of(LOGIN_USER, "echo-server", LOGIN_PASSWORD, LONG_PASSWORD, EchoConfig.ACTIONS_JMS_ENGINE_MAX_DELIVERIES, "3"));
        var c = EchoConfig.actionQueue(k -> Optional.ofNullable(set.get(k)));
        assertEquals(new dev.echo.cdi.config.ActionQueueSettings(true, "jms/x", "jms/q", "jms/t", 64, 3, "node-1", "shop",
                c.signing(), c.login(), 3), c);
        assertTrue(c.signing().present());
        set.put(EchoConfig.ACTIONS_JMS_BUNDLE, "16");
        assertEquals(16, EchoConfig.actionQueue(k -> Optional.ofNullable(set.get(k))).bundle());
        for (String[] bad : new String[][]{{EchoConfig.ACTIONS_QUEUE, "kafka"}, {EchoConfig.ACTIONS_JMS_WINDOW, "0"},
                {EchoConfig.ACTIONS_JMS_WINDOW, "1025"}, {EchoConfig.ACTIONS_JMS_MAX_DELIVERIES, "0"},
                {EchoConfig.ACTIONS_JMS_BUNDLE, "0"}, {EchoConfig.ACTIONS_JMS_BUNDLE, "257"}, {EchoConfig.ACTIONS_JMS_BUNDLE, "many"},
                {EchoConfig.ACTIONS_JMS_QUEUE, " "}, {EchoConfig.ACTIONS_SERVER_NAME, ""}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(bad[0], bad[1])),
                    "checked with the rest at deployment: " + bad[0] + "=" + bad[1]);
            assertTrue(e.getMessage().contains("'" + bad[0] + "'"), e.getMessage());
        }
    }

    @Test
    void actionLimitsAreParsedAndCheckedWithTheRest() {
        java.util.function.Function<String, java.util.Optional<String>> none = k -> java.util.Optional.empty();
        assertEquals(EchoConfig.DEFAULT_ACTIONS_KEPT_RUNS, EchoConfig.actionsKeptRuns(none));
        assertEquals(EchoConfig.DEFAULT_ACTIONS_MAX_DELAY, EchoConfig.actionsMaxDelay(none));
        assertEquals(64L << 20, EchoConfig.actionsKeptBytes(none));
        assertEquals(32, EchoConfig.actionsMaxNext(none));
        assertEquals(255, EchoConfig.actionsMaxNext(k -> java.util.Optional.of("255").filter(v -> k.equals(EchoConfig.ACTIONS_MAX_NEXT))));
        assertEquals(1L << 40, EchoConfig.actionsKeptBytes(k -> java.util.Optional.of(" 1099511627776 ")
                .filter(v -> k.equals(EchoConfig.ACTIONS_KEPT_BYTES))));
        assertEquals(7, EchoConfig.actionsKeptRuns(k -> java.util.Optional.of("7").filter(v -> k.equals(EchoConfig.ACTIONS_KEPT_RUNS))));
        assertEquals(Duration.ofMinutes(5),
                EchoConfig.actionsMaxDelay(k -> java.util.Optional.of("PT5M").filter(v -> k.equals(EchoConfig.ACTIONS_MAX_DELAY))));
        for (String[] bad : new String[][]{{EchoConfig.ACTIONS_KEPT_RUNS, "0"}, {EchoConfig.ACTIONS_KEPT_RUNS, "1000001"},
                {EchoConfig.ACTIONS_KEPT_RUNS, "many"},
                {EchoConfig.ACTIONS_KEPT_BYTES, "0"}, {EchoConfig.ACTIONS_KEPT_BYTES, "1099511627777"},
                {EchoConfig.ACTIONS_KEPT_BYTES, "64MB"}, {EchoConfig.ACTIONS_MAX_NEXT, "0"}, {EchoConfig.ACTIONS_MAX_NEXT, "256"}, {EchoConfig.ACTIONS_MAX_DELAY, "-PT1S"}, {EchoConfig.ACTIONS_MAX_DELAY, "P400D"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(bad[0], bad[1])),
                    "the whole configuration is checked at deployment: " + bad[0] + "=" + bad[1]);
            assertTrue(e.getMessage().contains("'" + bad[0] + "'") && e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void compensationKeysAreParsedAndChecked() {
        EchoConfig c = read(Map.of(EchoConfig.WORKERS, "2", EchoConfig.MAX_WORKERS_KEY, "5", EchoConfig.STALL_THRESHOLD, "50ms"));
        assertEquals(5, c.maxWorkers());
        assertEquals(Duration.ofMillis(50), c.stallThreshold());
        assertEquals(dev.echo.scheduler.SchedulerBuilder.defaultMaxWorkers(3), read(Map.of(EchoConfig.WORKERS, "3")).maxWorkers());
        assertEquals(dev.echo.scheduler.SchedulerBuilder.DEFAULT_STALL_THRESHOLD, read(Map.of()).stallThreshold());
        IllegalArgumentException below = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(EchoConfig.WORKERS, "4", EchoConfig.MAX_WORKERS_KEY, "3")));
        assertEquals("Echo configuration 'echo.max-workers' must be at least echo.workers (4), was '3'", below.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.MAX_WORKERS_KEY, "40000")));
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.STALL_THRESHOLD, "0ms")));
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.STALL_THRESHOLD, "NaNs")));
    }

    @Test
    void valuesThatOverflowAreRejectedNamingTheKeyNotClampedOrZeroed() {
        for (String v : new String[]{"1e10s", "Infinity s", "-Infinitys", "NaNs", "1e400m", "NaN m", "9223372036854775807",
                "PT9999999H", "366d", "P400D"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read(Map.of(EchoConfig.STOP_TIMEOUT, v)), "stop timeout " + v);
            assertTrue(e.getMessage().startsWith("Echo configuration 'echo.stop.timeout' must be")
                    && e.getMessage().endsWith("was '" + v + "'"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.AGING_THRESHOLD, v)), "ageing " + v);
        }
        assertEquals(EchoConfig.MAX_DURATION, read(Map.of(EchoConfig.STOP_TIMEOUT, "PT8760H")).stopTimeout());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(EchoConfig.WORKERS, "1000000")));
        assertEquals("Echo configuration 'echo.workers' must be an integer from 1 to 32767, was '1000000'", w.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(EchoConfig.WORKERS, "99999999999")));
        assertEquals(32_767, read(Map.of(EchoConfig.WORKERS, "32767")).workers());
    }

    @Test
    void aBadValueFailsTheDeploymentNamingTheKey() {
        System.setProperty(EchoConfig.WORKERS, "many");
        try {
            Weld weld = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(EchoBeans.class);
            Exception e = assertThrows(Exception.class, () -> weld.initialize().close());
            String all = Causes.messages(e);
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
            assertTrue(beans.executor.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS).startsWith("sysprop-worker-"));
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.NAME);
        }
    }

    @Test
    void aRejectedTaskIsLoggedAtWarningWithTheReason() throws Exception {
        System.setProperty(EchoConfig.WORKERS, "1");
        System.setProperty(EchoConfig.QUEUE_CAPACITY, "1");
        System.setProperty(EchoConfig.MAX_WORKERS_KEY, "1"); // no spare may drain the queue of one
        List<String> warnings;
        try (LogCapture log = LogCapture.of(EchoManagedExecutor.class, Level.WARNING);
             var container = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(EchoBeans.class)
                     .initialize()) {
            EchoBeans beans = container.select(EchoBeans.class).get();
            Blocker blocker = new Blocker();
            beans.executor.submit(blocker);
            blocker.awaitStarted();
            beans.executor.submit(() -> 1); // fills the queue of capacity 1
            assertThrows(RejectedExecutionException.class, () -> beans.executor.submit(() -> 2));
            blocker.release();
            warnings = log.messages(Level.WARNING);
        } finally {
            System.clearProperty(EchoConfig.WORKERS);
            System.clearProperty(EchoConfig.QUEUE_CAPACITY);
            System.clearProperty(EchoConfig.MAX_WORKERS_KEY);
        }
        assertTrue(warnings.stream().anyMatch(m -> m.contains("rejected") && m.contains("queue is full (capacity 1)")),
                warnings.toString());
    }
}
