package dev.echo.it;

import dev.echo.it.support.LibertyServer;
import dev.echo.testing.Await;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.echo.it.MessagingClusterIT.awaitAllFinal;
import static dev.echo.it.MessagingClusterIT.awaitApplication;
import static dev.echo.it.MessagingClusterIT.metricOn;
import static dev.echo.it.MessagingClusterIT.post;
import static dev.echo.it.MessagingClusterIT.postAll;
import static dev.echo.it.MessagingClusterIT.probe;
import static dev.echo.it.MessagingClusterIT.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real Liberty servers as in {@link MessagingClusterIT}, with bundles on
 * ({@code echo.actions.jms.bundle=8}, issue 32): actions accepted together travel as one message.
 * The guarantees of docs/actions-messaging.md hold per run: a server killed while it holds
 * bundles loses none of their runs, and the runs another server finishes say they were
 * redelivered; a server stopped gracefully while it runs a bundle completes no action twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BundledClusterIT {

    private static final int PORT_A = 9093;
    private static final int PORT_B = 9094;
    private static final int JMS_PORT = 17280;
    private static final int WINDOW = 16;
    private static final int BUNDLE = 8;

    private static final LibertyServer A = new LibertyServer("echo-bundle-a");
    private static final LibertyServer B = new LibertyServer("echo-bundle-b");

    @BeforeAll
    static void startBothServers() throws Exception {
        MessagingClusterIT.startPair(A, PORT_A, JMS_PORT, B, PORT_B,
                MessagingClusterIT.war("echo.actions.jms.window=" + WINDOW + "\necho.actions.jms.bundle=" + BUNDLE));
    }

    @AfterAll
    static void stopBothServers() throws Exception {
        for (LibertyServer s : List.of(B, A)) {
            if (s.process().isPresent() && !s.stop()) {
                s.kill();
            }
        }
    }

    /** The runs of {@code ids} that A's board shows taken by {@code server} and not ended. */
    private static Map<String, JsonObject> takenBy(List<String> ids, String server) throws Exception {
        Map<String, JsonObject> taken = new HashMap<>();
        for (String id : ids) {
            JsonObject s = status(PORT_A, id);
            if (s != null && s.getString("server").equals(server) && !s.getString("state").matches("SUCCEEDED|FAILED|CANCELLED")
                    && s.getInt("deliveries") > 0) {
                taken.put(id, s);
            }
        }
        return taken;
    }

    private static int countFinal(List<String> ids) throws Exception {
        int n = 0;
        for (String id : ids) {
            JsonObject s = status(PORT_A, id);
            if (s != null && s.getString("state").matches("SUCCEEDED|FAILED|CANCELLED")) {
                n++;
            }
        }
        return n;
    }

    private static String held(String priority) {
        return "{\"name\":\"cluster.held\",\"priority\":\"" + priority + "\",\"content\":{\"ms\":0}}";
    }

    @Test
    @Order(1)
    void killingBWhileItHoldsBundlesLosesNoneOfTheirRunsAndTheRunsItHeldSayRedelivered() throws Exception {
        // both gates closed: what each server takes waits there (its 4 workers at the gate, the rest in
        // its scheduler), so each fills its window up to no room for another bundle, the rest stays queued
        probe(PORT_A, "POST", "gate/close", null);
        probe(PORT_B, "POST", "gate/close", null);
        try {
            List<String> ids = postAll(PORT_A, held("NORMAL"), 96); // 16 posting threads: accepted together, bundled
            Map<String, JsonObject> heldByB = Await.value(() -> takenBy(ids, "echo-bundle-b"), m -> m.size() > WINDOW - BUNDLE,
                    Duration.ofSeconds(120), "A's board shows B's window full (no room for another bundle)");
            assertTrue(metricOn(PORT_B, "echo_action_bundles_consumed", "server=\"echo-bundle-b\"") >= 1,
                    "B took bundles, not single actions");
            assertTrue(heldByB.size() <= WINDOW, "B holds no more runs than its window: " + heldByB.size());
            B.kill();
            probe(PORT_A, "POST", "gate/open", null);
            Map<String, JsonObject> end = awaitAllFinal(PORT_A, ids, Duration.ofSeconds(240));
            Set<String> takenOver = new HashSet<>();
            for (String id : ids) {
                JsonObject s = end.get(id);
                assertEquals("SUCCEEDED", s.getString("state"), "none is lost: " + s);
                if (heldByB.containsKey(id)) {
                    assertEquals("echo-bundle-a", s.getString("server"), "B died holding it at its gate: A finished it: " + s);
                    assertTrue(s.getBoolean("redelivered"), "a run B held says it was redelivered: " + s);
                    assertTrue(s.getInt("deliveries") >= 2, s.toString());
                    takenOver.add(id);
                }
            }
            assertEquals(heldByB.keySet(), takenOver);
        } finally {
            probe(PORT_A, "POST", "gate/open", null);
        }
        B.start();
        awaitApplication(PORT_B, B);
    }

    @Test
    @Order(2)
    void aGracefulStopOfBWhileItRunsABundleCompletesEveryActionOnce() throws Exception {
        // A's window full of actions waiting at its closed gate: only B has room for what comes next. A
        // takes a message only with room for a whole bundle (8), so "full" is: more than 16 - 8 held
        probe(PORT_A, "POST", "gate/close", null);
        probe(PORT_B, "POST", "gate/close", null);
        List<String> held = new ArrayList<>();
        try {
            held.addAll(postAll(PORT_A, held("LOW"), 4 * WINDOW));
            Await.value(() -> takenBy(held, "echo-bundle-a").size(), n -> n > WINDOW - BUNDLE, Duration.ofSeconds(120),
                    "A's window full");
            probe(PORT_B, "POST", "gate/open", null); // B runs its share and what is left in the queue
            Await.value(() -> {
                int onA = takenBy(held, "echo-bundle-a").size();
                return onA > WINDOW - BUNDLE && onA + countFinal(held) == held.size() ? onA : -1;
            }, n -> n > 0, Duration.ofSeconds(120), "A has no room for a bundle, B ran the rest");
            Path dir = Files.createTempDirectory("echo-bundle-effects");
            List<String> effects = new ArrayList<>();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(BUNDLE);
            try {
                List<java.util.concurrent.Future<String>> posts = new ArrayList<>();
                for (int i = 0; i < BUNDLE; i++) {
                    String file = dir.resolve("effect-" + i).toString().replace("\\", "/");
                    posts.add(pool.submit(() -> post(PORT_A, "{\"name\":\"cluster.effect\",\"priority\":\"HIGH\",\"content\":{\"ms\":6000,\"file\":\"" + file + "\"}}")));
                }
                for (var f : posts) {
                    effects.add(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            Await.value(() -> MessagingClusterIT.countIn(PORT_A, effects, "echo-bundle-b", "RUNNING"), n -> n >= 2,
                    Duration.ofSeconds(60), "B runs several of them");
            assertTrue(B.stop(), "B stopped gracefully"); // grace 2 s: B interrupts the 6 s effects and gives them back
            probe(PORT_A, "POST", "gate/open", null); // A's window frees: it takes what B gave back
            Map<String, JsonObject> end = awaitAllFinal(PORT_A, effects, Duration.ofSeconds(180));
            int redelivered = 0;
            for (int i = 0; i < BUNDLE; i++) {
                JsonObject s = end.get(effects.get(i));
                assertEquals("SUCCEEDED", s.getString("state"), s.toString());
                List<String> lines = Files.readAllLines(dir.resolve("effect-" + i));
                assertEquals(1, lines.size(), "action " + i + "'s body completed once: " + lines);
                redelivered += s.getBoolean("redelivered") ? 1 : 0;
            }
            assertTrue(redelivered >= 2, "what B gave back ran on A, counted as a redelivery: " + end.values());
        } finally {
            probe(PORT_A, "POST", "gate/open", null);
            if (B.process().isPresent()) {
                probe(PORT_B, "POST", "gate/open", null);
            }
        }
        awaitAllFinal(PORT_A, held, Duration.ofSeconds(120));
        B.start();
        awaitApplication(PORT_B, B);
    }
}
