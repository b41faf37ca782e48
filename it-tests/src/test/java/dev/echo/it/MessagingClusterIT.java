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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Actions over Jakarta Messaging between two real Liberty servers on loopback, configured by the
 * repository's own files: A ({@code liberty-config/server.xml}) hosts the embedded messaging engine,
 * B ({@code liberty-config/remote/server.xml}) connects to it as a client; both run the same WAR
 * with {@code echo.actions.queue=jms}. Every check goes through the public REST API, as a user's
 * client would, except the corrupt message and the exception destination's content (ClusterProbe).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagingClusterIT {

    private static final int PORT_A = 9095;
    private static final int PORT_B = 9096;
    private static final int JMS_PORT = 17276;
    /** The engine queue's maxRedeliveryCount and the application's echo.actions.jms.max-deliveries. */
    static final int MAX_DELIVERIES = 3;
    private static final int WINDOW = 50;

    private static final LibertyServer A = new LibertyServer("echo-mq-a");
    private static final LibertyServer B = new LibertyServer("echo-mq-b");

    @BeforeAll
    static void startBothServers() throws Exception {
        startPair(A, PORT_A, JMS_PORT, B, PORT_B, war("echo.actions.jms.window=" + WINDOW));
    }

    /**
     * Creates and starts {@code a} (the engine, on {@code jmsPort}, from {@code liberty-config/server.xml})
     * and {@code b} (its remote client, {@code liberty-config/remote/server.xml}), both running
     * {@code war} as {@code cluster.war}, with a new signing key and messaging password; deletes the WAR file.
     */
    static void startPair(LibertyServer a, int portA, int jmsPort, LibertyServer b, int portB, Path war) throws Exception {
        Path config = Path.of("../liberty-config");
        // the servers' signing key: demo.xml makes this bootstrap variable the application's echo.actions.jms.signing-key
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Map<String, String> common = Map.of("echo.demo.alice.password", "alicepwd", "echo.demo.bob.password", "bobpwd",
                "echo.demo.signing-key", java.util.Base64.getEncoder().encodeToString(key), "echo.demo.jms.password", "it-" + java.util.UUID.randomUUID());
        Map<String, String> onA = new HashMap<>(common);
        onA.putAll(Map.of("http.port", String.valueOf(portA), "echo.jms.port", String.valueOf(jmsPort),
                "echo.jms.max-deliveries", String.valueOf(MAX_DELIVERIES), "echo.jms.max-depth", "50000"));
        a.create(Map.of("server.xml", config.resolve("server.xml"), "echo-base.xml", config.resolve("echo-base.xml"),
                "demo.xml", config.resolve("demo.xml")), onA);
        Map<String, String> onB = new HashMap<>(common);
        onB.putAll(Map.of("http.port", String.valueOf(portB), "echo.jms.remote", "127.0.0.1:" + jmsPort));
        b.create(Map.of("server.xml", config.resolve("remote/server.xml"), "echo-base.xml", config.resolve("echo-base.xml"),
                "demo.xml", config.resolve("demo.xml")), onB);
        a.deploy(war, "cluster.war");
        b.deploy(war, "cluster.war");
        a.start();
        awaitApplication(portA, a);
        b.start();
        awaitApplication(portB, b);
        Files.deleteIfExists(war);
    }

    /**
     * The cluster test application (context root {@code cluster}) with {@code settings} (at least
     * {@code echo.actions.jms.window}) beside the settings every cluster test shares; written to a
     * temporary file.
     */
    static Path war(String settings) {
        Path war = Path.of(System.getProperty("java.io.tmpdir"), "echo-cluster-" + ProcessHandle.current().pid() + "-"
                + java.util.UUID.randomUUID() + ".war");
        Deployments.withConfig("cluster", """
                        echo.workers=4
                        echo.max-workers=4
                        echo.actions.rest.enabled=true
                        echo.actions.queue=jms
                        echo.actions.jms.max-deliveries=%d
                        echo.stop.timeout=2s
                        echo.actions.function.cluster.breaker-calls.rate-limit=2/PT1H
                        echo.actions.function.cluster.quote.cache-for=PT1H
                        %s
                        """.formatted(MAX_DELIVERIES, settings), ClusterActions.class, ClusterProbe.class, ItCallerBean.class)
                .setWebXML(new StringAsset(WebXml.basicAuth("<security-role><role-name>orders</role-name></security-role>",
                        "/api/actions/*", "/api/actions")))
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    @AfterAll
    static void stopBothServers() throws Exception {
        for (LibertyServer s : List.of(B, A)) {
            if (s.process().isPresent() && !s.stop()) {
                s.kill();
            }
        }
    }

    static void awaitApplication(int port, LibertyServer server) throws Exception {
        try {
            Await.value(() -> send(port, "GET", "/missing", null, "alice").statusCode(), code -> code == 404,
                    Duration.ofSeconds(120), "the application on port " + port + " answers");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + server.log(), e);
        }
    }

    static HttpResponse<String> send(int port, String method, String path, String body, String user) throws Exception {
        return Http.send(method, "http://127.0.0.1:" + port + "/cluster/api/actions" + path, body, user, user + "pwd");
    }

    /** Posts as alice and gives the id (202 expected). */
    static String post(int port, String body) throws Exception {
        HttpResponse<String> r = send(port, "POST", "", body, "alice");
        assertEquals(202, r.statusCode(), r.body());
        return ((JsonObject) Http.json(r)).getString("id");
    }

    /** Posts {@code count} copies of {@code body} as alice from 16 threads (a persistent send each); the ids in order of answer. */
    static List<String> postAll(int port, String body, int count) throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<String>> posts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                posts.add(pool.submit(() -> post(port, body)));
            }
            List<String> ids = new ArrayList<>();
            for (var f : posts) {
                ids.add(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    static String work(String priority, long ms, long delayMs) {
        return "{\"name\":\"cluster.work\",\"priority\":\"" + priority + "\",\"content\":{\"ms\":" + ms + "}"
                + (delayMs > 0 ? ",\"metadata\":{\"delay\":" + delayMs + "}" : "") + "}";
    }

    static JsonObject status(int port, String id) throws Exception {
        HttpResponse<String> r = send(port, "GET", "/" + id, null, "alice");
        return r.statusCode() == 200 ? (JsonObject) Http.json(r) : null;
    }

    /** Every id's final state as {@code port}'s server knows it, waiting up to {@code timeout}. */
    static Map<String, JsonObject> awaitAllFinal(int port, List<String> ids, Duration timeout) throws Exception {
        Map<String, JsonObject> done = new LinkedHashMap<>();
        try {
            Await.value(() -> {
                for (String id : ids) {
                    if (!done.containsKey(id)) {
                        JsonObject s = status(port, id);
                        if (s != null && s.getString("state").matches("SUCCEEDED|FAILED|CANCELLED")) {
                            done.put(id, s);
                        }
                    }
                }
                return done.size();
            }, n -> n == ids.size(), timeout, ids.size() + " actions end (seen on port " + port + ")");
        } catch (AssertionError e) {
            // name the runs that did not end and what the server last knew of them
            Map<String, Object> open = new LinkedHashMap<>();
            for (String id : ids) {
                if (!done.containsKey(id)) {
                    JsonObject s = status(port, id);
                    open.put(id, s == null ? "unknown" : s);
                }
            }
            throw new AssertionError(e.getMessage() + "; not ended: " + open, e);
        }
        return done;
    }

    private static long startedAt(JsonObject s) {
        return s.getJsonObject("result").getJsonNumber("startedAt").longValue();
    }

    @Test
    @Order(1)
    void twoHundredActionsPostedToAAllSucceedBothServersRunSomeAndEitherAnswers() throws Exception {
        // A holds at most WINDOW messages and runs them on 4 workers: 250 ms actions keep A's window
        // full for seconds (200 of them are 12.5 s of work for A alone), so most of them wait on the
        // queue for B's consumers however fast the posts are. With 20 ms actions A kept up with the
        // posts on a slow CI machine and ran all 200 (the engine hands a message to a waiting local
        // consumer first): "both servers ran some" must not depend on the machine's speed.
        List<String> ids = postAll(PORT_A, work("NORMAL", 250, 0), 200);
        Map<String, JsonObject> onA = awaitAllFinal(PORT_A, ids, Duration.ofSeconds(120));
        Map<String, Integer> byServer = new HashMap<>();
        for (JsonObject s : onA.values()) {
            assertEquals("SUCCEEDED", s.getString("state"), s.toString());
            assertEquals(s.getString("server"), s.getJsonObject("result").getString("server"), "the state names the server that ran it");
            assertEquals("alice", s.getJsonObject("result").getString("caller"), "the run knows its submitter on either server");
            JsonObject seen = s.getJsonObject("result");
            assertEquals(s.getString("id"), seen.getString("runId"), "the function sees its run: " + seen);
            assertEquals("jms", seen.getString("queue"));
            assertEquals("alice", seen.getString("submitter"));
            assertEquals(1, seen.getInt("attempt"));
            // the container runs it as alice on whichever server took it, as with the in-memory queue
            assertEquals("alice", seen.getString("ejbCaller"), "an EJB sees the submitter: " + seen);
            assertEquals("orders:alice", seen.getString("ejbOrdersOnly"), "and her roles: " + seen);
            byServer.merge(s.getString("server"), 1, Integer::sum);
        }
        assertTrue(byServer.getOrDefault("echo-mq-a", 0) > 0 && byServer.getOrDefault("echo-mq-b", 0) > 0,
                "both servers ran some: " + byServer);
        // B answers for every run too, A's included, with the same outcome
        Map<String, JsonObject> onB = awaitAllFinal(PORT_B, ids, Duration.ofSeconds(30));
        for (String id : ids) {
            assertEquals(onA.get(id).getString("server"), onB.get(id).getString("server"), id);
            assertEquals(onA.get(id).getJsonObject("result"), onB.get(id).getJsonObject("result"), id);
        }
        // the queue's figures per server
        String metrics = Http.send("GET", "http://127.0.0.1:" + PORT_A + "/metrics?scope=application").body();
        assertTrue(metrics.matches("(?s).*echo_action_queue_depth\\{[^}]*server=\"echo-mq-a\"[^}]*} 0\\.0.*"), metrics);
        double consumedA = Http.sample(metrics, "echo_action_messages_consumed", null);
        assertEquals(byServer.get("echo-mq-a"), (int) consumedA, "A consumed what it ran");
        for (String name : List.of("echo_action_messages_redelivered", "echo_action_messages_dead_lettered")) {
            assertTrue(Http.sample(metrics, name, null) >= 0, name + " is exported: " + metrics);
        }
        // B heard A's run states on the topic, and how late the last one came (within the news lifetime)
        String metricsB = Http.send("GET", "http://127.0.0.1:" + PORT_B + "/metrics?scope=application").body();
        double lagB = Http.sample(metricsB, "echo_action_news_lag_seconds", null);
        assertTrue(lagB >= 0 && lagB < 60, "B's news lag, in seconds: " + lagB + " in " + metricsB);
    }

    @Test
    @Order(2)
    void theSameCallerAndKeyOnAThenOnBGiveOneRunAnotherCallersKeyIsItsOwn() throws Exception {
        String body = "{\"name\":\"cluster.work\",\"content\":{\"ms\":0},\"metadata\":{\"idempotencyKey\":\"order-42\"}}";
        String first = post(PORT_A, body);
        HttpResponse<String> again = send(PORT_B, "POST", "", body, "alice");
        assertEquals(200, again.statusCode(), "a repeat is not accepted again: " + again.body());
        assertEquals(first, ((JsonObject) Http.json(again)).getString("id"));
        HttpResponse<String> bobs = send(PORT_B, "POST", "", body, "bob");
        assertEquals(403, bobs.statusCode(), "bob lacks the role cluster.work requires: " + bobs.body());
        Map<String, JsonObject> done = awaitAllFinal(PORT_B, List.of(first), Duration.ofSeconds(30));
        assertEquals("SUCCEEDED", done.get(first).getString("state"));
        assertEquals(1, done.get(first).getInt("attempts"));
        assertEquals(404, send(PORT_B, "GET", "/" + first, null, "bob").statusCode(), "only its owner finds a run, on any server");
    }

    @Test
    @Order(2)
    void aFunctionsRateLimitCountsPerAcceptingServer() throws Exception {
        String body = "{\"name\":\"cluster.breaker-calls\"}"; // limited to 2/PT1H per caller by this deployment
        for (int port : new int[] {PORT_A, PORT_B}) {
            post(port, body);
            post(port, body);
            HttpResponse<String> over = send(port, "POST", "", body, "alice");
            assertEquals(429, over.statusCode(), "server " + port + ": " + over.body());
            assertTrue(over.body().contains("\"limit\":\"2/PT1H\"") && over.headers().firstValue("Retry-After").isPresent(), over.body());
        }
        // B accepted two more although A had refused alice: each server counts the submissions it accepts
    }

    @Test
    @Order(2)
    void cachedResultsAreKeptByTheServerThatAcceptedTheRun() throws Exception {
        String spelled = "{\"name\":\"cluster.quote\",\"content\":{\"a\":1,\"b\":2}}";
        String respelled = "{\"name\":\"cluster.quote\",\"content\":{\"b\":2,\"a\":1.0}}";
        String a1 = post(PORT_A, spelled);
        JsonObject ran = awaitAllFinal(PORT_A, List.of(a1), Duration.ofSeconds(30)).get(a1);
        assertEquals("SUCCEEDED", ran.getString("state"), ran.toString());
        assertFalse(ran.getBoolean("cached"), ran.toString());
        // the same caller and content on the same server: SUCCEEDED at once from A's cache, nothing queued
        String a2 = post(PORT_A, respelled);
        JsonObject hit = status(PORT_A, a2);
        assertEquals("SUCCEEDED", hit.getString("state"), hit.toString());
        assertTrue(hit.getBoolean("cached"), hit.toString());
        assertEquals(0, hit.getInt("attempts"), hit.toString());
        assertEquals(ran.getString("result"), hit.getString("result"), "the cached result, not a new quote");
        JsonObject seenOnB = awaitAllFinal(PORT_B, List.of(a2), Duration.ofSeconds(30)).get(a2);
        assertTrue(seenOnB.getBoolean("cached"), "every server finds the cached run: " + seenOnB);
        // B keeps its own cache: the same submission accepted by B runs the function once, then B reuses it
        String b1 = post(PORT_B, spelled);
        JsonObject ranOnB = awaitAllFinal(PORT_B, List.of(b1), Duration.ofSeconds(30)).get(b1);
        assertFalse(ranOnB.getBoolean("cached"), "per accepting server: " + ranOnB);
        assertNotEquals(ran.getString("result"), ranOnB.getString("result"), "a new invocation");
        String b2 = post(PORT_B, spelled);
        JsonObject hitOnB = status(PORT_B, b2);
        assertTrue(hitOnB.getBoolean("cached"), hitOnB.toString());
        assertEquals(ranOnB.getString("result"), hitOnB.getString("result"));
    }

    @Test
    @Order(3)
    void aDelayedActionCancelledOnTheOtherServerNeverRuns() throws Exception {
        String id = post(PORT_A, work("NORMAL", 0, 4000));
        assertEquals("DELAYED", Await.value(() -> status(PORT_B, id), s -> s != null, Duration.ofSeconds(10),
                "B learns of the delayed action").getString("state"));
        HttpResponse<String> cancel = send(PORT_B, "DELETE", "/" + id, null, "alice");
        assertEquals(202, cancel.statusCode(), cancel.body());
        JsonObject end = awaitAllFinal(PORT_A, List.of(id), Duration.ofSeconds(30)).get(id);
        assertEquals("CANCELLED", end.getString("state"), end.toString());
        assertEquals(0, end.getInt("attempts"), "it never ran: " + end);
        assertEquals(409, send(PORT_A, "DELETE", "/" + id, null, "alice").statusCode(), "an ended run cannot be cancelled again");
    }

    @Test
    @Order(4)
    void aPoisonMessageIsReportedFailedAndLeftInTheExceptionDestinationAfterTheConfiguredDeliveries() throws Exception {
        String id = "poison-" + System.nanoTime();
        assertEquals(200, Http.send("POST", "http://127.0.0.1:" + PORT_B + "/cluster/api/probe/poison/" + id).statusCode());
        JsonObject end = awaitAllFinal(PORT_A, List.of(id), Duration.ofSeconds(120)).get(id);
        assertEquals("FAILED", end.getString("state"), end.toString());
        assertEquals("ROUTING", end.getJsonObject("error").getString("kind"), end.toString());
        assertEquals(MAX_DELIVERIES, end.getInt("deliveries"), "reported at the last delivery the engine allows: " + end);
        Await.value(() -> Http.send("GET", "http://127.0.0.1:" + PORT_A + "/cluster/api/probe/dead").body(),
                dead -> List.of(dead.split(",")).contains(id), Duration.ofSeconds(60), "the engine moved " + id + " to the exception destination");
    }

    /** How many of {@code ids} the board of the server on {@code port} shows on {@code server} in {@code state}. */
    static int countIn(int port, List<String> ids, String server, String state) throws Exception {
        int n = 0;
        for (String id : ids) {
            JsonObject s = status(port, id);
            if (s != null && s.getString("server").equals(server) && s.getString("state").equals(state)) {
                n++;
            }
        }
        return n;
    }

    static String probe(int port, String method, String path, String body) throws Exception {
        HttpResponse<String> r = Http.send(method, "http://127.0.0.1:" + port + "/cluster/api/probe/" + path, body, null, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    static double metricOn(int port, String name, String label) throws Exception {
        String metrics = Http.send("GET", "http://127.0.0.1:" + port + "/metrics?scope=application").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name)
                + "\\{[^}]*" + java.util.regex.Pattern.quote(label) + "[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static double rejected(String reason) throws Exception {
        return metricOn(PORT_A, "echo_action_messages_rejected_total", "reason=\"" + reason + "\"")
                + metricOn(PORT_B, "echo_action_messages_rejected_total", "reason=\"" + reason + "\"");
    }

    @Test
    @Order(5)
    void withBothServersSaturatedQueuedHighActionsStartBeforeQueuedLowOnes() throws Exception {
        // Both gates closed: every LOW action a server takes waits at its gate, so both windows fill
        // (2 x 50) and the other 100 wait in the engine's queue however fast or slow this machine is.
        probe(PORT_A, "POST", "gate/close", null);
        probe(PORT_B, "POST", "gate/close", null);
        try {
            List<String> low = postAll(PORT_A, "{\"name\":\"cluster.held\",\"priority\":\"LOW\",\"content\":{\"ms\":50}}", 200);
            Await.value(() -> metricOn(PORT_A, "echo_action_queue_depth", "server=\"echo-mq-a\""), d -> d == 200 - 2 * WINDOW,
                    Duration.ofSeconds(120), "both windows full, the rest in the queue");
            List<String> high = postAll(PORT_B, work("HIGH", 50, 0), 10);
            Await.value(() -> metricOn(PORT_A, "echo_action_queue_depth", "server=\"echo-mq-a\""), d -> d == 200 - 2 * WINDOW + 10,
                    Duration.ofSeconds(60), "the HIGH actions wait in the queue too");
            probe(PORT_A, "POST", "gate/open", null);
            probe(PORT_B, "POST", "gate/open", null);
            List<String> all = new ArrayList<>(low);
            all.addAll(high);
            Map<String, JsonObject> done = awaitAllFinal(PORT_A, all, Duration.ofSeconds(180));
            List<Long> lowStarts = low.stream().map(id -> startedAt(done.get(id))).sorted().toList();
            for (String id : high) {
                long start = startedAt(done.get(id));
                long lowAfter = lowStarts.stream().filter(t -> t > start).count();
                // 100 LOW actions were still in the queue behind them and 92 in the windows: FIFO would
                // start every HIGH one after all of them
                assertTrue(lowAfter >= 50, "HIGH " + id + " started at " + start + " with only " + lowAfter
                        + " LOW actions starting after it");
            }
        } finally {
            probe(PORT_A, "POST", "gate/open", null);
            probe(PORT_B, "POST", "gate/open", null);
        }
    }

    /**
     * Waits until both servers hear the topic again (after a restart, a server's subscriber may be
     * in its reconnect pause, up to 30 s): an action posted to A is seen on B.
     */
    private static void awaitBothListening() throws Exception {
        String id = post(PORT_A, work("NORMAL", 0, 0));
        awaitAllFinal(PORT_B, List.of(id), Duration.ofSeconds(90));
        awaitAllFinal(PORT_A, List.of(id), Duration.ofSeconds(30));
    }

    @Test
    @Order(8)
    void actionMessagesFromAnyoneButTheServersNeverRunAndForgedNewsChangesNoBoard() throws Exception {
        awaitBothListening(); // the engine's server restarted in the previous test: both must hear the forgeries
        // the engine's wall (messagingSecurity): no login, a wrong password for the servers' user, and a
        // user of the registry who is not the servers' are refused, on B (remote) and on A (in-process)
        for (int port : List.of(PORT_B, PORT_A)) {
            String none = probe(port, "POST", "send-as?user=none", null);
            assertTrue(none.startsWith("refused") && none.contains("CWSIA0009E"), "no login: " + none);
            String wrong = probe(port, "POST", "send-as?user=servers-user&password=not-the-password", null);
            assertTrue(wrong.startsWith("refused") && wrong.contains("CWSIA0009E"), "a wrong password: " + wrong);
            String alice = probe(port, "POST", "send-as?user=alice&password=alicepwd", null);
            assertTrue(alice.startsWith("refused") && alice.contains("CWSIA0069E"), "a user who is not the servers': " + alice);
        }
        // the signature's wall: code holding the servers' login (any application on the server can read it)
        double unsignedBefore = rejected("unsigned");
        double badBefore = rejected("bad-signature");
        // another application on the server sends alice's action, unsigned and signed with a key of its own
        probe(PORT_B, "POST", "forge/forged-unsigned", null);
        probe(PORT_B, "POST", "forge/forged-stranger?signature=stranger", null);
        // and plants a SUCCEEDED state of alice's for the key she is about to use, a cancel and syncs
        String planted = "{\"type\":\"status\",\"id\":\"planted-1\",\"name\":\"cluster.work\",\"owner\":\"alice\","
                + "\"application\":false,\"state\":\"SUCCEEDED\",\"attempts\":1,\"server\":\"echo-mq-b\",\"deliveries\":1,"
                + "\"redelivered\":false,\"version\":1,\"key\":\"order-77\",\"result\":\"1\"}";
        probe(PORT_B, "POST", "forge-news", planted);
        for (int i = 0; i < 10; i++) {
            probe(PORT_B, "POST", "forge-news", "{\"type\":\"sync\",\"from\":\"mallory\"}");
        }
        Await.value(() -> rejected("unsigned") - unsignedBefore, n -> n >= 1 + 2 * 11, Duration.ofSeconds(60),
                "both servers refused the unsigned action and the 11 forged news (" + (rejected("unsigned") - unsignedBefore) + ")");
        Await.value(() -> rejected("bad-signature") - badBefore, n -> n >= 1, Duration.ofSeconds(60), "the stranger's signature was refused");
        for (String id : List.of("forged-unsigned", "forged-stranger", "planted-1")) {
            assertEquals(404, send(PORT_A, "GET", "/" + id, null, "alice").statusCode(), id + " is on no board");
            assertEquals(404, send(PORT_B, "GET", "/" + id, null, "alice").statusCode(), id + " is on no board");
        }
        // alice's real submission with the planted key is accepted and runs
        HttpResponse<String> real = send(PORT_A, "POST", "", "{\"name\":\"cluster.work\",\"content\":{\"ms\":0},"
                + "\"metadata\":{\"idempotencyKey\":\"order-77\"}}", "alice");
        assertEquals(202, real.statusCode(), "not a duplicate of the planted run: " + real.body());
        String id = ((JsonObject) Http.json(real)).getString("id");
        assertEquals("SUCCEEDED", awaitAllFinal(PORT_B, List.of(id), Duration.ofSeconds(30)).get(id).getString("state"));
        assertEquals("0", probe(PORT_A, "GET", "gate", null), "nothing waits");
        assertTrue(metricOn(PORT_A, "echo_action_queue_depth", "server=\"echo-mq-a\"") == 0, "the forged messages are off the queue");
    }

    @Test
    @Order(9)
    void aGracefulStopOfTheServerRunningActionsCompletesEachBodyExactlyOnceAcrossBothServers() throws Exception {
        // A's window full of actions held at its gate: the effect actions can only be taken by B
        // (before this gate, A's in-process consumers sometimes took all 8 and B ran none)
        probe(PORT_A, "POST", "gate/close", null);
        List<String> held = new ArrayList<>();
        try {
            Await.value(() -> {
                held.addAll(postAll(PORT_A, "{\"name\":\"cluster.held\",\"content\":{\"ms\":0}}", 10));
                int onA = 0;
                for (String id : held) {
                    JsonObject s = status(PORT_A, id);
                    if (s != null && s.getString("server").equals("echo-mq-a") && !s.getString("state").matches("SUCCEEDED|FAILED|CANCELLED")
                            && s.getInt("deliveries") > 0) {
                        onA++;
                    }
                }
                return onA;
            }, onA -> onA >= WINDOW, Duration.ofSeconds(120), "A's window is full of held actions");
            effectsRunOnceAcrossAGracefulStopOfB();
        } finally {
            probe(PORT_A, "POST", "gate/open", null);
        }
        awaitAllFinal(PORT_A, held, Duration.ofSeconds(120));
    }

    private void effectsRunOnceAcrossAGracefulStopOfB() throws Exception {
        Path dir = Files.createTempDirectory("echo-effects");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String file = dir.resolve("effect-" + i).toString().replace("\\", "/");
            ids.add(post(PORT_A, "{\"name\":\"cluster.effect\",\"content\":{\"ms\":6000,\"file\":\"" + file + "\"}}"));
        }
        Await.value(() -> countIn(PORT_A, ids, "echo-mq-b", "RUNNING"), n -> n >= 1, Duration.ofSeconds(60), "B runs some of them");
        int logBefore = B.log().length();
        assertTrue(B.stop(), "B stopped gracefully");  // grace 2 s (echo.stop.timeout): B interrupts what it runs
        String stopLog = B.log().substring(logBefore);
        assertFalse(stopLog.contains("WLTC0033W") || stopLog.contains("WLTC0032W"),
                "a graceful stop leaves no transaction-cleanup warnings:\n" + stopLog);
        probe(PORT_A, "POST", "gate/open", null); // A's window frees: it takes what B gave back
        Map<String, JsonObject> end = awaitAllFinal(PORT_A, ids, Duration.ofSeconds(120));
        for (int i = 0; i < 8; i++) {
            assertEquals("SUCCEEDED", end.get(ids.get(i)).getString("state"), end.get(ids.get(i)).toString());
            List<String> lines = Files.readAllLines(dir.resolve("effect-" + i));
            assertEquals(1, lines.size(), "action " + i + "'s body completed once: " + lines);
        }
        B.start();
        awaitApplication(PORT_B, B);
    }

    @Test
    @Order(6)
    void killingBWithFiftyActionsInFlightOnItLosesNoneAndTheRedeliveredOnesSaySo() throws Exception {
        List<String> ids = postAll(PORT_A, work("NORMAL", 1000, 0), 200);
        Map<String, JsonObject> heldByB = Await.value(() -> {
            Map<String, JsonObject> held = new HashMap<>();
            for (String id : ids) {
                JsonObject s = status(PORT_A, id);
                if (s != null && s.getString("server").equals("echo-mq-b") && !s.getString("state").matches("SUCCEEDED|FAILED|CANCELLED")
                        && s.getInt("deliveries") > 0) {
                    held.put(id, s);
                }
            }
            return held;
        }, held -> held.size() >= WINDOW - 2, Duration.ofSeconds(60), "B holds about " + WINDOW + " actions");
        B.kill();
        Map<String, JsonObject> end = awaitAllFinal(PORT_A, ids, Duration.ofSeconds(240));
        Set<String> takenOver = new HashSet<>();
        for (String id : ids) {
            JsonObject s = end.get(id);
            assertEquals("SUCCEEDED", s.getString("state"), "none is lost: " + s);
            if (heldByB.containsKey(id) && s.getString("server").equals("echo-mq-a")) {
                takenOver.add(id);
                assertTrue(s.getBoolean("redelivered"), "a run B held and A finished says it was redelivered: " + s);
                if (heldByB.get(id).getString("state").equals("RUNNING")) {
                    assertTrue(s.getInt("attempts") > heldByB.get(id).getInt("attempts"),
                            "the attempt count continues from B's: " + heldByB.get(id) + " then " + s);
                }
            }
        }
        // The look at B's runs is 200 sequential GETs, taking a second or two, and B's 4 workers
        // finish 4 one-second actions a second: B may finish a dozen of what it held before the
        // kill (CI once saw 46 of 59 taken over, against an older bound of all but 8). Every one
        // A finished says it was redelivered (above); at least half a window must have been left.
        assertTrue(takenOver.size() >= WINDOW / 2, "A took over what B held when it died: " + takenOver.size()
                + " of " + heldByB.size());
        B.start();
        awaitApplication(PORT_B, B);
    }

    @Test
    @Order(7)
    void restartingTheEngineServerWithDelayedActionsQueuedRunsEveryOneAtOrAfterItsDueTime() throws Exception {
        long delay = 20_000;
        Map<String, Long> due = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            long before = System.currentTimeMillis();
            due.put(post(PORT_A, work("NORMAL", 0, delay)), before + delay);
        }
        A.kill(); // the engine goes with it: the delayed messages are only on its disk now
        A.start();
        awaitApplication(PORT_A, A);
        Map<String, JsonObject> end = awaitAllFinal(PORT_A, new ArrayList<>(due.keySet()), Duration.ofSeconds(180));
        Map<String, Integer> byServer = new HashMap<>();
        for (var e : due.entrySet()) {
            JsonObject s = end.get(e.getKey());
            assertEquals("SUCCEEDED", s.getString("state"), s.toString());
            assertTrue(startedAt(s) >= e.getValue(), "ran at " + startedAt(s) + ", due at " + e.getValue() + ": " + s);
            byServer.merge(s.getString("server"), 1, Integer::sum);
        }
        System.out.println("delayed actions after the engine's restart ran on " + byServer);
    }
}
