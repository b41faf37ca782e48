package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import dev.echo.it.support.LibertyServer;
import dev.echo.it.support.WebXml;
import dev.echo.testing.Await;
import jakarta.json.JsonObject;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two Echo applications with the default JNDI names and {@code echo.actions.queue=jms} on one
 * server that hosts the messaging engine (liberty-config/server.xml): they share the queue and
 * the topic, and each must run only its own actions — none rolled back, redelivered or
 * dead-lettered because of the other — and answer only for its own runs.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TwoApplicationsIT {

    private static final int PORT = 9099;
    private static final int JMS_PORT = 17279;
    private static final LibertyServer SERVER = new LibertyServer("echo-two-apps");

    @BeforeAll
    static void startTheServerWithBothApplications() throws Exception {
        Path config = Path.of("../liberty-config");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        SERVER.create(Map.of("server.xml", config.resolve("server.xml"), "echo-base.xml", config.resolve("echo-base.xml"),
                "demo.xml", config.resolve("demo.xml")), Map.of("http.port", String.valueOf(PORT),
                "echo.jms.port", String.valueOf(JMS_PORT), "echo.jms.max-deliveries", "3", "echo.jms.max-depth", "50000",
                "echo.demo.alice.password", "alicepwd", "echo.demo.bob.password", "bobpwd",
                "echo.demo.signing-key", java.util.Base64.getEncoder().encodeToString(key), "echo.demo.jms.password", "it-" + java.util.UUID.randomUUID()));
        for (String app : List.of("shop", "billing")) {
            Path war = Path.of(System.getProperty("java.io.tmpdir"), app + "-" + ProcessHandle.current().pid() + ".war");
            Deployments.withConfig(app, """
                            echo.workers=2
                            echo.max-workers=2
                            echo.actions.rest.enabled=true
                            echo.actions.queue=jms
                            echo.actions.jms.window=8
                            echo.actions.jms.max-deliveries=3
                            """, ClusterActions.class, ItCallerBean.class)
                    .setWebXML(new StringAsset(WebXml.basicAuth("<security-role><role-name>orders</role-name></security-role>",
                            "/api/actions/*", "/api/actions")))
                    .as(ZipExporter.class).exportTo(war.toFile(), true);
            SERVER.deploy(war, app + ".war");
            Files.deleteIfExists(war);
        }
        // a WAR without Echo: plain Jakarta Messaging code on the same server
        Path intruder = Path.of(System.getProperty("java.io.tmpdir"), "intruder-" + ProcessHandle.current().pid() + ".war");
        org.jboss.shrinkwrap.api.ShrinkWrap.create(org.jboss.shrinkwrap.api.spec.WebArchive.class, "intruder.war")
                .addClasses(Intruder.class, Intruder.App.class)
                .as(ZipExporter.class).exportTo(intruder.toFile(), true);
        SERVER.deploy(intruder, "intruder.war");
        Files.deleteIfExists(intruder);
        SERVER.start();
        for (String app : List.of("shop", "billing")) {
            try {
                Await.value(() -> send(app, "GET", "/missing").statusCode(), code -> code == 404, Duration.ofSeconds(120),
                        app + " answers");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + SERVER.log(), e);
            }
        }
    }

    @AfterAll
    static void stopTheServer() throws Exception {
        if (SERVER.process().isPresent() && !SERVER.stop()) {
            SERVER.kill();
        }
    }

    private static HttpResponse<String> send(String app, String method, String path) throws Exception {
        return Http.send(method, "http://127.0.0.1:" + PORT + "/" + app + "/api/actions" + path,
                method.equals("POST") ? "{\"name\":\"cluster.work\",\"content\":{\"ms\":5}}" : null, "alice", "alicepwd");
    }

    @Test
    @org.junit.jupiter.api.Order(1) // before the intruder: its log must have no refusal at all
    void eachApplicationRunsOnlyItsOwnActionsOnceAndAnswersOnlyForThem() throws Exception {
        Map<String, List<String>> ids = Map.of("shop", new ArrayList<>(), "billing", new ArrayList<>());
        for (int i = 0; i < 100; i++) {
            for (String app : List.of("shop", "billing")) {
                HttpResponse<String> r = send(app, "POST", "");
                assertEquals(202, r.statusCode(), r.body());
                ids.get(app).add(((JsonObject) Http.json(r)).getString("id"));
            }
        }
        for (String app : List.of("shop", "billing")) {
            String other = app.equals("shop") ? "billing" : "shop";
            for (String id : ids.get(app)) {
                JsonObject s = Await.value(() -> {
                    HttpResponse<String> r = send(app, "GET", "/" + id);
                    return r.statusCode() == 200 ? (JsonObject) Http.json(r) : null;
                }, st -> st != null && st.getString("state").matches("SUCCEEDED|FAILED|CANCELLED"), Duration.ofSeconds(120),
                        app + " run " + id + " ends");
                assertEquals("SUCCEEDED", s.getString("state"), s.toString());
                assertEquals(1, s.getInt("deliveries"), "delivered once, to its own application: " + s);
                assertFalse(s.getBoolean("redelivered"), s.toString());
                assertEquals(404, send(other, "GET", "/" + id).statusCode(), "the other application does not see " + app + "'s run");
            }
        }
        String log = SERVER.log();
        for (String noise : List.of("given back", "could not be handled", "cannot be run here", "refused")) {
            assertFalse(log.contains(noise), "no action of either application was refused or rolled back (" + noise + "):\n" + log);
        }
    }

    private static double rejected(String reason) throws Exception {
        String metrics = Http.send("GET", "http://127.0.0.1:" + PORT + "/metrics?scope=application").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^echo_action_messages_rejected_total\\{[^}]*reason=\""
                + java.util.regex.Pattern.quote(reason) + "\"[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aWarWithoutEchoOnTheSameServerCanNeitherRunAnActionNorPlantAState() throws Exception {
        double before = rejected("unsigned");
        String base = "http://127.0.0.1:" + PORT + "/intruder/intrude/";
        // the engine admits only the servers' messaging user: not a connection without a login, not alice
        for (String what : List.of("action/shop/intruder-0", "state/shop/order-98")) {
            String none = Http.send("POST", base + what).body();
            assertTrue(none.startsWith("refused") && none.contains("CWSIA0009E"), "no login: " + none);
            String alice = Http.send("POST", base + what + "?login=alice").body();
            assertTrue(alice.startsWith("refused") && alice.contains("CWSIA0069E"), "alice is not a server: " + alice);
        }
        // an application that read the servers' login (MicroProfile Config shows it to every application
        // on the server) gets its messages on: the signature is what keeps them from running
        assertEquals("sent", Http.send("POST", base + "action/shop/intruder-1?login=servers").body());
        assertEquals("sent", Http.send("POST", base + "state/shop/order-99?login=servers").body());
        Await.value(() -> rejected("unsigned") - before, n -> n >= 2, Duration.ofSeconds(60),
                "shop refused the unsigned action and the unsigned state");
        assertEquals(404, send("shop", "GET", "/intruder-1").statusCode(), "the forged action never became a run");
        assertEquals(404, send("shop", "GET", "/planted-order-99").statusCode(), "the planted state is on no board");
        HttpResponse<String> real = Http.send("POST", "http://127.0.0.1:" + PORT + "/shop/api/actions",
                "{\"name\":\"cluster.work\",\"content\":{\"ms\":0},\"metadata\":{\"idempotencyKey\":\"order-99\"}}",
                "alice", "alicepwd");
        assertEquals(202, real.statusCode(), "alice's action with the planted key is hers and runs: " + real.body());
        // a batch of run states, as the servers' publisher sends them, planting a cached result: refused whole
        double beforeBatch = rejected("unsigned");
        assertEquals("sent", Http.send("POST", base + "state/shop/order-97?login=servers&batch=true").body());
        Await.value(() -> rejected("unsigned") - beforeBatch, n -> n >= 1, Duration.ofSeconds(60), "shop refused the unsigned batch");
        assertEquals(404, send("shop", "GET", "/planted-order-97").statusCode(), "no state of the forged batch is on a board");
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aFunctionsCircuitBreakerAppliesOverJmsAndAnOpenCircuitFailsTheRunByKind() throws Exception {
        for (int i = 1; i <= 5; i++) {
            JsonObject s = finalState("shop", post("shop", "{\"name\":\"cluster.breaker\"}"));
            assertEquals("FAILED", s.getString("state"), s.toString());
            String kind = s.getJsonObject("error").getString("kind");
            if (i <= 4) {
                assertEquals("EXECUTION", kind, i + ": " + s);
            } else {
                assertEquals("CIRCUIT_OPEN", kind, "the fifth run meets the open circuit: " + s);
                assertEquals("cluster.breaker", s.getJsonObject("error").getString("circuitBreaker"), s.toString());
                assertEquals(1, s.getInt("deliveries"), "a final state, committed: not redelivered " + s);
            }
        }
        JsonObject calls = finalState("shop", post("shop", "{\"name\":\"cluster.breaker-calls\"}"));
        assertEquals(4, calls.getInt("result"), "the open circuit did not call the body: " + calls);
    }

    private static String post(String app, String body) throws Exception {
        HttpResponse<String> r = Http.send("POST", "http://127.0.0.1:" + PORT + "/" + app + "/api/actions", body, "alice", "alicepwd");
        assertEquals(202, r.statusCode(), r.body());
        return ((JsonObject) Http.json(r)).getString("id");
    }

    private static JsonObject finalState(String app, String id) throws Exception {
        return Await.value(() -> {
            HttpResponse<String> r = send(app, "GET", "/" + id);
            return r.statusCode() == 200 ? (JsonObject) Http.json(r) : null;
        }, st -> st != null && st.getString("state").matches("SUCCEEDED|FAILED|CANCELLED"), Duration.ofSeconds(120),
                app + " run " + id + " ends");
    }
}
