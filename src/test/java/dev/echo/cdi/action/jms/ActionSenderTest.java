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
    private final ActionSender sender = new ActionSender(jms.factory::createContext, jms.queue);
    private final Thread thread = new Thread(() -> sender.run(stopping::get), "test-sender");

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
        return CompletableFuture.supplyAsync(() -> sender.send(message(runId)), r -> new Thread(r).start());
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
