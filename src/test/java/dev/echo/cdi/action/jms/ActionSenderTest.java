package dev.echo.cdi.action.jms;

import dev.echo.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sender of accepted actions against the in-memory provider: what waits together goes in one
 * transaction, a caller returns only after its commit, one refused message refuses nobody else,
 * and nothing is left behind when it ends. Commits are held at a gate, so batches are made by the
 * test, not by timing.
 */
class ActionSenderTest {

    private final FakeJms jms = new FakeJms();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Bundles up to 3 messages of delay 0, naming each bundle "bundle:" and its runs in order. */
    private final ActionSender.Bundler bundler = new ActionSender.Bundler() {
        @Override
        public boolean bundles(ActionSender.Outgoing message) {
            return message.delayMillis() == 0;
        }

        @Override
        public ActionSender.Outgoing bundle(List<ActionSender.Outgoing> members) {
            String id = "bundle:" + String.join("+", members.stream().map(ActionSender.Outgoing::runId).toList());
            return new ActionSender.Outgoing(id, "[]", Map.of(JmsActionQueue.RUN_ID, id), members.get(0).priority(), 0);
        }
    };
    private ActionSender sender = new ActionSender(jms.factory::createConnection, jms.queue);
    private Thread thread = new Thread(() -> sender.run(stopping::get), "test-sender");

    @AfterEach
    void end() throws InterruptedException {
        jms.releaseCommits();
        stopping.set(true);
        thread.join(5000);
    }

    private static ActionSender.Outgoing message(String runId) {
        return new ActionSender.Outgoing(runId, "{\"name\":\"work\"}", Map.of(JmsActionQueue.RUN_ID, runId, "echoAppName", "app"), 4, 0);
    }

    private CompletableFuture<Boolean> sendAsync(String runId) {
        return sendAsync(message(runId));
    }

    private CompletableFuture<Boolean> sendAsync(ActionSender.Outgoing message) {
        ActionSender s = sender;
        return CompletableFuture.supplyAsync(() -> s.send(message), r -> new Thread(r).start());
    }

    private FakeJms.Commit nextCommit() throws InterruptedException {
        FakeJms.Commit c = jms.commits.poll(10, TimeUnit.SECONDS);
        assertTrue(c != null, "a commit within 10 s");
        return c;
    }

    /** Sends a1 and holds its commit; then a2..: they wait for the sender while a1's commit is held. */
    private List<CompletableFuture<Boolean>> heldBehindFirst(String... behind) throws Exception {
        jms.holdCommits();
        thread.start();
        CompletableFuture<Boolean> first = sendAsync("a1");
        assertTrue(jms.commitsHeld.tryAcquire(10, TimeUnit.SECONDS), "a1's commit reached the gate");
        List<CompletableFuture<Boolean>> all = new java.util.ArrayList<>(List.of(first));
        for (String id : behind) {
            all.add(sendAsync(id));
        }
        Await.value(sender::waiting, n -> n == behind.length, Duration.ofSeconds(10), "the others wait behind a1");
        return all;
    }

    /**
     * The classic API, kept: one connection with one transacted session and a producer bound to
     * the queue for every batch (Liberty's client made a producer on the engine per send of the
     * simplified API, and a remote client lost its connection under load: see ActionSender).
     */
    @Test
    void everyBatchGoesThroughOneKeptConnectionWhichTheSendersEndCloses() throws Exception {
        thread.start();
        for (String id : List.of("k1", "k2", "k3")) {
            assertTrue(sendAsync(id).get(10, TimeUnit.SECONDS));
            assertEquals(List.of(id), nextCommit().queued(), "each alone: nothing else waited");
        }
        assertEquals(1, jms.openConnections.get(), "one connection, kept between batches");
        assertEquals(1, jms.users.size(), "one connection made, and no context: " + jms.users);
        stopping.set(true);
        thread.join(5000);
        assertEquals(0, jms.openConnections.get(), "closed when the sender ends");
    }

    @Test
    void messagesThatWaitTogetherGoInOneTransactionAndEachCallerReturnsOnlyAfterItsCommit() throws Exception {
        List<CompletableFuture<Boolean>> sends = heldBehindFirst("a2", "a3", "a4", "a5");
        Thread.sleep(100); // a caller that returned before its commit would show here
        assertTrue(sends.stream().noneMatch(CompletableFuture::isDone), "nobody returns while the commits are held");
        assertEquals(0, jms.waiting(), "nothing is on the queue before its commit");
        jms.releaseCommits();
        for (CompletableFuture<Boolean> f : sends) {
            assertTrue(f.get(10, TimeUnit.SECONDS), "sent by the sender");
        }
        assertEquals(List.of("a1"), nextCommit().queued());
        FakeJms.Commit second = nextCommit();
        assertEquals(Set.of("a2", "a3", "a4", "a5"), Set.copyOf(second.queued()), "the four waiting went in one transaction");
        assertEquals(4, second.queued().size());
        assertEquals(5, jms.waiting());
    }

    @Test
    void messagesThatWaitTogetherGoAsBundlesOfAtMostTheMaximumAndADelayedOneGoesAlone() throws Exception {
        sender = new ActionSender(jms.factory::createConnection, jms.queue, 3, bundler);
        thread = new Thread(() -> sender.run(stopping::get), "test-sender");
        jms.holdCommits();
        thread.start();
        CompletableFuture<Boolean> first = sendAsync("a1");
        assertTrue(jms.commitsHeld.tryAcquire(10, TimeUnit.SECONDS), "a1's commit reached the gate");
        List<CompletableFuture<Boolean>> all = new java.util.ArrayList<>(List.of(first));
        for (String id : List.of("a2", "a3", "a4", "a5")) {
            all.add(sendAsync(id));
        }
        all.add(sendAsync(new ActionSender.Outgoing("later", "{}", Map.of(JmsActionQueue.RUN_ID, "later"), 4, 60_000)));
        Await.value(sender::waiting, n -> n == 5, Duration.ofSeconds(10), "five wait behind a1");
        jms.releaseCommits();
        for (CompletableFuture<Boolean> f : all) {
            assertTrue(f.get(10, TimeUnit.SECONDS), "each caller returns once its message (or its bundle) is committed");
        }
        assertEquals(List.of("a1"), nextCommit().queued(), "a lone message is not a bundle");
        List<String> second = nextCommit().queued();
        assertEquals(3, second.size(), "a bundle of three, one of one, the delayed one alone: " + second);
        assertTrue(second.contains("later"), second.toString());
        List<String> bundles = second.stream().filter(id -> id.startsWith("bundle:")).toList();
        assertEquals(1, bundles.size(), second.toString());
        assertEquals(3, bundles.get(0).split("\\+").length, "at most three in a bundle: " + bundles);
        assertEquals(4, jms.waiting(), "a1, the bundle, the one left over, the delayed one");
    }

    /**
     * One transaction sends its messages highest JMS priority first, in arrival order within a
     * priority: Liberty's client creates the transaction on the engine with its first message and
     * transmits each message at its priority, so a later message of higher priority could reach a
     * remote engine before the transaction existed, and was dropped (see highestPriorityFirst).
     */
    @Test
    void oneTransactionSendsItsMessagesHighestPriorityFirstAndInArrivalOrderWithinAPriority() throws Exception {
        jms.holdCommits();
        thread.start();
        CompletableFuture<Boolean> first = sendAsync("a1");
        assertTrue(jms.commitsHeld.tryAcquire(10, TimeUnit.SECONDS), "a1's commit reached the gate");
        List<CompletableFuture<Boolean>> all = new java.util.ArrayList<>(List.of(first));
        String[][] behind = {{"low1", "1"}, {"high1", "7"}, {"normal1", "4"}, {"low2", "1"}, {"high2", "7"}, {"normal2", "4"}};
        for (String[] m : behind) {
            all.add(sendAsync(new ActionSender.Outgoing(m[0], "{}", Map.of(JmsActionQueue.RUN_ID, m[0]), Integer.parseInt(m[1]), 0)));
            // one at a time, so that the arrival order is the order written here
            Await.value(sender::waiting, n -> n == all.size() - 1, Duration.ofSeconds(10), m[0] + " waits");
        }
        jms.releaseCommits();
        for (CompletableFuture<Boolean> f : all) {
            assertTrue(f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of("a1"), nextCommit().queued());
        assertEquals(List.of("high1", "high2", "normal1", "normal2", "low1", "low2"), nextCommit().queued(),
                "one transaction, sent highest priority first, in arrival order within each");
    }

    @Test
    void aMessageTheEngineRefusesFailsOnlyItsOwnCallerAndTheOthersOfItsBatchAreSent() throws Exception {
        List<CompletableFuture<Boolean>> sends = heldBehindFirst("a2", "full", "a4");
        jms.refusesRun = "full"::equals;
        jms.releaseCommits();
        assertTrue(sends.get(0).get(10, TimeUnit.SECONDS));
        assertTrue(sends.get(1).get(10, TimeUnit.SECONDS));
        assertTrue(sends.get(3).get(10, TimeUnit.SECONDS));
        CompletionException refused = assertThrows(CompletionException.class, () -> sends.get(2).join());
        assertInstanceOf(jakarta.jms.ResourceAllocationRuntimeException.class, refused.getCause());
        List<String> queued = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.addAll(nextCommit().queued());
        }
        assertEquals(Set.of("a1", "a2", "a4"), Set.copyOf(queued), "each of the others once");
        assertEquals(3, queued.size());
        assertEquals(3, jms.waiting());
    }

    @Test
    void onceTheSenderHasEndedACallerSendsItselfAndNothingIsLeftBehind() throws Exception {
        thread.start();
        assertTrue(sendAsync("a1").get(10, TimeUnit.SECONDS));
        stopping.set(true);
        thread.join(5000);
        assertFalse(thread.isAlive());
        assertFalse(sender.send(message("late")), "not taken: the caller sends it itself");
        assertEquals(0, sender.waiting(), "and it is not left waiting");
    }
}
