package dev.echo.cdi.action.jms;

import dev.echo.cdi.action.RunBook;
import dev.echo.cdi.action.ActionJson;
import dev.echo.cdi.action.CurrentRun;

import dev.echo.action.Action;
import dev.echo.action.ActionObserver;
import dev.echo.action.ActionRun;
import dev.echo.action.Plan;
import dev.echo.action.RunContext;
import dev.echo.action.Sequence;
import dev.echo.cdi.config.ActionQueueSettings;
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.echo.testing.Await;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How a server settles action messages, against an in-memory provider ({@link FakeJms}) that
 * records every commit. The in-server behaviour (two Liberty servers, one killed) is
 * MessagingClusterIT's; these tests pin down what a kill cannot show reliably: the moment between
 * a commit and the publisher thread's next send.
 */
class JmsActionsTest {

    private static final RunBook.Owner ALICE = RunBook.Owner.caller("alice");

    /** Replaced (before server()) by a test that needs a bounded one; stopped after each test. */
    private Scheduler scheduler = SchedulerBuilder.create().workerCount(1).name("jms-test").build();
    private final FakeJms jms = new FakeJms();
    private final RunBoard board = new RunBoard(100);
    private JmsActions actions;

    @AfterEach
    void stop() {
        jms.releasePublisher();
        if (actions != null) {
            actions.stop(Duration.ofSeconds(5));
        }
        scheduler.stop(Duration.ofSeconds(5));
    }

    /** A server named "a" with one consumer, wired to its sequence as EchoActions wires it. */
    private JmsActions server() {
        return server(Thread::new);
    }

    static final byte[] KEY = key(1);
    static final byte[] OLD_KEY = key(2);
    static final byte[] STRANGER_KEY = key(3);

    static byte[] key(int seed) {
        byte[] k = new byte[32];
        new java.util.Random(seed).nextBytes(k);
        return k;
    }

    /** Settings of server "a" of application "app", signing with {@link #KEY} and verifying {@link #OLD_KEY} too. */
    static ActionQueueSettings settings() {
        return new ActionQueueSettings(true, "cf", "actions", "runs", 1, 3, "a", "app",
                dev.echo.cdi.config.SigningKeys.of(KEY, OLD_KEY));
    }

    /** Functions beyond "work" and "shout" of the next server(); set before server() is called. */
    private final Map<String, dev.echo.action.ActionFunction> extra = new java.util.LinkedHashMap<>();
    private JmsActions.ConsumePolicy policy = JmsActions.ConsumePolicy.ANY;
    private SubmitterIdentity identity = SubmitterIdentity.APPLICATION;
    private final java.util.concurrent.atomic.AtomicInteger worked = new java.util.concurrent.atomic.AtomicInteger();

    private JmsActions server(java.util.concurrent.ThreadFactory threads) {
        Plan.Builder builder = Plan.builder()
                .add("work", content -> {
                    worked.incrementAndGet();
                    return "done " + content;
                })
                .add("shout", content -> content + "!");
        extra.forEach(builder::add);
        Sequence sequence = new Sequence(scheduler, builder.build(), Map.of());
        actions = new JmsActions(settings(), jms.factory, jms.queue,
                jms.topic, board, new RunBook(100, 1 << 20), sequence, RunContext.NONE, threads, policy, identity);
        JmsActions a = actions;
        sequence.observer(new ActionObserver() {
            @Override
            public void started(Action action, int attempt) {
                a.started(action, attempt);
            }
        }).onStart(run -> run.completion().whenComplete((r, e) -> a.ended(run)));
        return a;
    }

    private static Action work(String id, List<Action> next) {
        return new Action(id, "work", "x", Priority.NORMAL,
                new Action.Metadata(null, null, null, next, null, null, null, null));
    }

    /** The news in topic messages, in order: a batch's items, or the message itself. */
    static List<String> items(List<String> messages) {
        List<String> all = new java.util.ArrayList<>();
        for (String m : messages) {
            JsonObject o = RunStatus.read(m);
            if ("batch".equals(o.getString("type", ""))) {
                o.getJsonArray("items").forEach(i -> all.add(i.toString()));
            } else {
                all.add(m);
            }
        }
        return all;
    }

    @Test
    void statesWaitingForThePublisherGoAsOneBatchInOrderAndEveryItemIsApplied() throws Exception {
        // the fake engine ignores delivery delays: the consumer takes b1 at once, and it must not end
        // (the publisher drops a state whose run is final), so its function waits until the test ends
        java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        extra.put("waits", content -> {
            end.await();
            return "done";
        });
        JmsActions server = server();
        for (int i = 1; i <= 5; i++) {
            server.send(new Action("b" + i, "waits", "x", Priority.NORMAL, new Action.Metadata(Duration.ofHours(1), null, null, null,
                    null, null, null, null)), ALICE); // delayed an hour: five DELAYED states wait for the publisher
        }
        server.start(); // the publisher finds them waiting
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        List<String> first = items(List.of(jms.publishedDirectly.get(0)));
        assertTrue(RunStatus.read(jms.publishedDirectly.get(0)).getString("type").equals("batch"), jms.publishedDirectly.get(0));
        // (the consumer may already have taken b1, whose later states can follow in the same batch)
        assertEquals(List.of("b1", "b2", "b3", "b4", "b5"), first.stream().limit(5).map(t -> RunStatus.read(t).getString("id", "?"))
                .toList(), "one message, the waiting states first, in the order they were enqueued: " + first);
        // and a batch another server sends is applied item by item, once verified
        Map<String, String> props = Map.of("echoAppName", "app", "echoSentAt", Long.toString(System.currentTimeMillis()));
        String batch = "{\"type\":\"batch\",\"items\":[" + new RunStatus("o1", "work", ALICE, null, ActionRun.State.RUNNING, 1, "b",
                1, false, null, null, 1).toJson() + "," + new RunStatus("o1", "work", ALICE, null, ActionRun.State.SUCCEEDED, 1, "b", 1,
                false, "\"done\"", null, 2).toJson() + "]}";
        try (jakarta.jms.JMSContext c = jms.factory.createContext(jakarta.jms.JMSContext.AUTO_ACKNOWLEDGE)) {
            jakarta.jms.TextMessage m = c.createTextMessage(batch);
            m.setStringProperty("echoAppName", "app");
            m.setStringProperty("echoSentAt", props.get("echoSentAt"));
            new MessageSigner(dev.echo.cdi.config.SigningKeys.of(KEY)).sign(m);
            c.createProducer().send(jms.topic, m);
        }
        jms.publishRaw(batch.replace("o1", "o2"), props); // the same, unsigned: nothing of it is believed
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        assertEquals(ActionRun.State.SUCCEEDED, board.get("o1").orElseThrow().state(), "both items applied, in order");
        assertTrue(board.get("o2").isEmpty());
        assertEquals(1, server.rejected(JmsActions.Rejection.UNSIGNED));
        end.countDown();
    }

    @Test
    void aServerSkipsTheRunStatesItSentUnreadButHearsItsOwnPingsAndTheOtherServersApplyTheStates() throws Exception {
        JmsActions a = server();
        RunBoard boardOfB = new RunBoard(100);
        JmsActions b = new JmsActions(limits("b", 3, 0), jms.factory, jms.queue, jms.topic, boardOfB, new RunBook(100, 1 << 20),
                new Sequence(scheduler, Plan.builder().add("work", c -> "done").build(), Map.of()), RunContext.NONE, Thread::new);
        try {
            a.start();
            b.start();
            assertTrue(a.syncWithTopic(Duration.ofSeconds(10)), "a hears its own ping");
            assertTrue(b.syncWithTopic(Duration.ofSeconds(10)), "b hears its own ping");
            a.acceptCached(work("q1", null), ALICE, "\"done\""); // one state on the topic, nothing on the queue
            Await.value(() -> boardOfB.get("q1"), java.util.Optional::isPresent, Duration.ofSeconds(10), "b applies a's state");
            assertTrue(a.syncWithTopic(Duration.ofSeconds(10)), "a's ping after the state comes back: a's subscriber passed the state");
            // (b's sync may make a republish q1 once more: a skips that one too)
            assertTrue(a.skippedOwn() >= 1, "a skipped its own state");
            assertEquals(0, b.skippedOwn(), "b did not");
            assertEquals(ActionRun.State.SUCCEEDED, board.get("q1").orElseThrow().state(), "a's own board has it from the start");
            // skipped unread: an unsigned message under a's origin is not even judged by a (b refuses it)
            long skipped = a.skippedOwn();
            jms.publishRaw("not json", Map.of("echoAppName", "app", "echoOrigin", a.origin(),
                    "echoSentAt", Long.toString(System.currentTimeMillis())));
            assertTrue(a.syncWithTopic(Duration.ofSeconds(10)));
            assertTrue(b.syncWithTopic(Duration.ofSeconds(10)));
            assertTrue(a.skippedOwn() > skipped, "skipped");
            assertEquals(0, a.rejected(JmsActions.Rejection.UNSIGNED), "a never read it");
            assertEquals(1, b.rejected(JmsActions.Rejection.UNSIGNED), "b did, and refused it");
        } finally {
            b.stop(Duration.ofSeconds(5));
        }
    }

    private static JsonObject news(List<String> news, String id) {
        return news.stream().map(RunStatus::read).filter(o -> o.getString("id", "").equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no state of " + id + " in " + news));
    }

    /**
     * The consumer applies a settled message's final states to this server's board right after
     * the commit returns (JmsActions.settle), on its own thread: the test sees the commit first
     * and may look before that. Waits up to 10 s for {@code expected}, then returns what is there.
     * (A fresh run once read RUNNING here, microseconds too early.)
     */
    private ActionRun.State boardStateAfterCommit(String id, ActionRun.State expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ActionRun.State now = board.get(id).orElseThrow().state();
        while (now != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
            now = board.get(id).orElseThrow().state();
        }
        return now;
    }

    /** The next commit of a consumer (the sender's commits of accepted actions are counted in {@link #sentInTransactions}). */
    private FakeJms.Commit nextCommit() throws InterruptedException {
        while (true) {
            FakeJms.Commit c = jms.commits.poll(10, TimeUnit.SECONDS);
            assertNotNull(c, "the consumer committed within 10 s");
            if (!c.queued().isEmpty() && c.taken().isEmpty() && c.news().isEmpty()) {
                sentInTransactions.addAll(c.queued());
                continue;
            }
            return c;
        }
    }

    /** Run ids the sender's transactions put on the queue, as nextCommit() passed them. */
    private final List<String> sentInTransactions = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void aStartedServerSendsAcceptedActionsInTransactionsOfItsSenderAndOneThatHasNotStartedSendsAlone() throws Exception {
        JmsActions server = server();
        server.send(work("before", List.of()), ALICE); // not started: a send of its own, no transaction
        assertEquals(1, jms.waiting());
        assertTrue(jms.commits.isEmpty(), "no commit: " + jms.commits);
        server.start();
        server.send(work("after", List.of()), ALICE);
        nextCommit();
        nextCommit();
        assertTrue(sentInTransactions.contains("after"), "through the sender: " + sentInTransactions);
        assertFalse(sentInTransactions.contains("before"));
        assertEquals(2, worked.get(), "both ran");
    }

    @Test
    void theCommitThatTakesAnActionOffTheQueuePublishesItsFinalStatesEvenIfThePublisherNeverSendsAgain() throws Exception {
        JmsActions server = server();
        jms.holdPublisher(); // from here on the publisher thread sends nothing: as if the server died right after the commit
        server.send(work("r1", List.of(new Action("shout", "shout", null, Priority.NORMAL, Action.Metadata.NONE))), ALICE);
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("r1"), c.taken());
        JsonObject root = news(items(c.news()), "r1");
        assertEquals("SUCCEEDED", root.getString("state"), root.toString());
        assertEquals("a", root.getString("server"));
        assertEquals(1, root.getInt("attempts"));
        assertEquals(1, root.getInt("deliveries"));
        assertTrue(root.getString("result").contains("done x"), root.toString());
        JsonObject chained = news(items(c.news()), "r1:shout");
        assertEquals("SUCCEEDED", chained.getString("state"), "the chained run's end goes with its root's commit: " + chained);
        assertTrue(chained.getString("result").contains("done x!"), chained.toString());
        assertEquals(ActionRun.State.SUCCEEDED, boardStateAfterCommit("r1", ActionRun.State.SUCCEEDED), "this server's board has it too");
        assertEquals(0, jms.waiting(), "the message is gone from the queue");

        // once the publisher can send again, it does not repeat the root's end
        jms.releasePublisher();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the publisher caught up");
        for (String sent : items(jms.publishedDirectly)) {
            JsonObject o = RunStatus.read(sent);
            assertFalse("r1".equals(o.getString("id", "")) && o.getString("state").equals("SUCCEEDED"),
                    "the root's final state is sent once, with the commit: " + jms.publishedDirectly);
        }
    }

    @Test
    void aRunWhoseRetryTheSchedulerRefusesEndsFailedAndItsMessageIsCommittedNotHeldForEver() throws Exception {
        scheduler.stop(Duration.ofSeconds(5));
        scheduler = SchedulerBuilder.create().workerCount(1).maxWorkers(1).queueCapacity(2).name("jms-small").build();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Scheduler small = scheduler;
        extra.put("filler", content -> {
            for (int i = 0; i < 3; i++) { // the retry will find the scheduler full
                try {
                    small.submit(() -> {
                        release.await();
                        return null;
                    }, Priority.NORMAL);
                } catch (java.util.concurrent.RejectedExecutionException full) {
                    break;
                }
            }
            throw new IllegalStateException("first attempt");
        });
        try {
            JmsActions server = server();
            server.send(new Action("rf", "filler", "x", Priority.NORMAL, new Action.Metadata(null, null, null, List.of(),
                    new dev.echo.action.RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO), null, null, null)), ALICE);
            server.start();
            FakeJms.Commit c = nextCommit(); // before: the consumer waited for a run that never ended, the message with it
            assertEquals(List.of("rf"), c.taken());
            JsonObject s = news(items(c.news()), "rf");
            assertEquals("FAILED", s.getString("state"), s.toString());
            assertEquals("REFUSED", s.getString("errorKind"), s.toString());
            assertEquals(1, s.getInt("attempts"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFullEngineQueueIsReportedWithoutTheProvidersWordsWhichStayInTheCause() {
        String provider = "CWSIK0025E: The destination EchoActions on messaging engine defaultME has reached its high limit";
        jakarta.jms.ConnectionFactory full = (jakarta.jms.ConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{jakarta.jms.ConnectionFactory.class}, (p, m, args) -> {
                    jakarta.jms.JMSContext real = (jakarta.jms.JMSContext) m.invoke(jms.factory, args);
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[]{jakarta.jms.JMSContext.class}, (cp, cm, cargs) -> {
                                if (!cm.getName().equals("createProducer")) {
                                    return cm.invoke(real, cargs);
                                }
                                return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                                        new Class<?>[]{jakarta.jms.JMSProducer.class}, (pp, pm, pargs) -> {
                                            if (pm.getName().equals("send")) {
                                                throw new jakarta.jms.ResourceAllocationRuntimeException(provider);
                                            }
                                            return pp; // the fluent setters
                                        });
                            });
                });
        JmsActionQueue queue = new JmsActionQueue(full, jms.queue, new MessageSigner(dev.echo.cdi.config.SigningKeys.of(KEY)), "app");
        var e = assertThrows(dev.echo.action.ActionQueue.QueueFullException.class, () -> queue.offer(work("x1", List.of()), ALICE));
        assertFalse(e.getMessage().contains("CWSIK") || e.getMessage().contains("defaultME"), e.getMessage());
        assertTrue(e.getMessage().contains("full"), e.getMessage());
        assertEquals(provider, e.getCause().getMessage(), "the provider's words are kept for the log");
    }

    @Test
    void anActionCancelledBeforeItIsTakenIsCommittedUnrunWithItsCancelledStateInTheSameCommit() throws Exception {
        JmsActions server = server();
        jms.holdPublisher();
        server.send(work("r2", List.of()), ALICE);
        server.requestCancel("r2");
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("r2"), c.taken());
        JsonObject s = news(items(c.news()), "r2");
        assertEquals("CANCELLED", s.getString("state"), s.toString());
        assertEquals(0, s.getInt("attempts"), "it never ran: " + s);
        assertEquals(ActionRun.State.CANCELLED, boardStateAfterCommit("r2", ActionRun.State.CANCELLED));
    }

    @Test
    void aSyncCalledBeforeTheSubscriberListensIsHeardOnceItDoes() throws Exception {
        java.util.concurrent.CountDownLatch subscriberMayListen = new java.util.concurrent.CountDownLatch(1);
        JmsActions server = server(loop -> new Thread(() -> {
            if (Thread.currentThread().getName().equals("echo-actions-subscriber")) {
                try {
                    subscriberMayListen.await(); // as a subscriber that is slow to start, or reconnecting
                } catch (InterruptedException e) {
                    return;
                }
            }
            loop.run();
        }));
        server.start();
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(300); // the publisher (not held) has sent the first ping to nobody by then
            } catch (InterruptedException e) {
                return;
            }
            subscriberMayListen.countDown();
        });
        late.start();
        long t0 = System.nanoTime();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "a ping sent after the subscriber listens was heard");
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited >= 300, "it cannot be heard before the subscriber listens: " + waited + " ms");
        late.join();
    }

    // ---------------------------------------------------------------- trust (issue 28)

    /** A sender on the same engine holding {@code keys}: another server of ours, or an impostor with a wrong key. */
    private JmsActionQueue sender(byte[] signingKey, String application) {
        return new JmsActionQueue(jms.factory, jms.queue, new MessageSigner(dev.echo.cdi.config.SigningKeys.of(signingKey)),
                application);
    }

    private static Map<String, String> aliceProps(String runId) {
        return Map.of("echoRunId", runId, "echoPrincipal", "alice", "echoApplication", "false", "echoAppName", "app",
                "echoPriority", "NORMAL", "echoSentAt", Long.toString(System.currentTimeMillis()));
    }

    @Test
    void anUnsignedActionMessageNeverRunsIsTakenOffTheQueueAndCounted() throws Exception {
        JmsActions server = server();
        jms.sendRaw(ActionJson.write(work("ignored", List.of())), aliceProps("forged-1"));
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("forged-1"), c.taken(), "taken off the queue");
        assertEquals(List.of(), c.news(), "and no state published for it");
        assertEquals(0, worked.get(), "the function never ran");
        assertTrue(board.get("forged-1").isEmpty(), "no board knows it");
        assertEquals(1, server.rejected(JmsActions.Rejection.UNSIGNED));
        assertEquals(0, jms.waiting());
    }

    @Test
    void aMessageSignedWithAnUnknownKeyNeverRunsAndOneSignedWithAPreviousKeyDoes() throws Exception {
        JmsActions server = server();
        sender(STRANGER_KEY, "app").offer(work("stranger", List.of()), ALICE);
        sender(OLD_KEY, "app").offer(work("rotated", List.of()), ALICE);
        server.start();
        FakeJms.Commit first = nextCommit();
        assertEquals(List.of("stranger"), first.taken());
        assertEquals(List.of(), first.news());
        assertEquals(1, server.rejected(JmsActions.Rejection.BAD_SIGNATURE));
        FakeJms.Commit second = nextCommit();
        assertEquals(List.of("rotated"), second.taken());
        assertEquals("SUCCEEDED", news(second.news(), "rotated").getString("state"), "a previous key still verifies");
        assertEquals(1, worked.get(), "only the message signed by a key of ours ran");
    }

    @Test
    void changingAnySignedPropertyOfAValidMessageBreaksItsSignature() throws Exception {
        JmsActions server = server();
        sender(KEY, "app").offer(work("edited", List.of()), RunBook.Owner.caller("bob"));
        assertNotNull(jms.waitingProperties().get(MessageSigner.SIGNATURE), "the sender signed it");
        jms.alterWaiting("echoPrincipal", "alice"); // bob's signed action, replayed as alice's
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of(), c.news());
        assertEquals(0, worked.get());
        assertEquals(1, server.rejected(JmsActions.Rejection.BAD_SIGNATURE));
    }

    @Test
    void anotherApplicationsMessagesAreNeverTakenNorDroppedByThisOne() throws Exception {
        JmsActions server = server();
        sender(KEY, "other-app").offer(work("theirs", List.of()), ALICE);
        sender(KEY, "app").offer(work("ours", List.of()), ALICE);
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("ours"), c.taken(), "the consumer selects its own application's messages only");
        assertEquals(1, jms.waiting(), "the other application's message waits for its own consumers");
        assertEquals("other-app", jms.waitingProperties().get("echoAppName"));
        assertNull(jms.commits.poll(300, TimeUnit.MILLISECONDS), "nothing else was committed");
    }

    @Test
    void aMessageNamingNoApplicationIsNobodysAndIsTakenOffAsRejected() throws Exception {
        JmsActions server = server();
        Map<String, String> props = new java.util.HashMap<>(aliceProps("orphan"));
        props.remove("echoAppName");
        jms.sendRaw(ActionJson.write(work("ignored", List.of())), props);
        server.start();
        assertEquals(List.of("orphan"), nextCommit().taken());
        assertEquals(0, worked.get());
        assertEquals(1, server.rejected(JmsActions.Rejection.UNSIGNED));
    }

    @Test
    void theConsumerRefusesWhatThePolicyRefusesAndReportsItFailed() throws Exception {
        extra.put("secret", content -> {
            worked.incrementAndGet();
            return "leaked";
        });
        policy = (action, owner) -> action.name().equals("secret") ? "the caller may not run action 'secret'" : null;
        JmsActions server = server();
        sender(KEY, "app").offer(new Action("s1", "secret", null, Priority.NORMAL, Action.Metadata.NONE), ALICE);
        server.start();
        FakeJms.Commit c = nextCommit();
        JsonObject s = news(items(c.news()), "s1");
        assertEquals("FAILED", s.getString("state"), s.toString());
        assertEquals("LICENSE", s.getString("errorKind"), s.toString());
        assertEquals(0, worked.get(), "the function never ran");
        assertEquals(1, server.rejected(JmsActions.Rejection.POLICY));
    }

    @Test
    void aCopyOfAMessageWhoseRunEndedIsCommittedWithoutRunningAgain() throws Exception {
        JmsActions server = server();
        server.start();
        server.send(work("once", List.of()), ALICE);
        assertEquals(List.of("once"), nextCommit().taken());
        assertEquals(ActionRun.State.SUCCEEDED, boardStateAfterCommit("once", ActionRun.State.SUCCEEDED));
        sender(KEY, "app").offer(work("once", List.of()), ALICE); // a captured copy sent again, signature intact
        FakeJms.Commit again = nextCommit();
        assertEquals(List.of("once"), again.taken());
        assertEquals(List.of(), again.news());
        assertEquals(1, worked.get(), "the function ran once");
        assertEquals(1, server.rejected(JmsActions.Rejection.REPLAY));
    }

    @Test
    void aRunIdEchoNeverMakesIsRefused() throws Exception {
        JmsActions server = server();
        sender(KEY, "app").offer(work("bad id\nFORGED LOG LINE", List.of()), ALICE);
        server.start();
        assertEquals(List.of(), nextCommit().news());
        assertEquals(0, worked.get());
        assertEquals(1, server.rejected(JmsActions.Rejection.BAD_RUN_ID));
    }

    @Test
    void forgedStatesCancelsAndSyncsOnTheTopicChangeNothing() throws Exception {
        JmsActions server = server();
        server.start();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the subscriber listens");
        board.apply(new RunStatus("live", "work", ALICE, null, ActionRun.State.RUNNING, 1, "a", 1, false, null, null, 1));
        int publishedBefore = jms.publishedDirectly.size();
        Map<String, String> props = Map.of("echoAppName", "app", "echoSentAt", Long.toString(System.currentTimeMillis()));
        RunStatus planted = new RunStatus("planted", "work", ALICE, "order-42", ActionRun.State.SUCCEEDED, 1, "b", 1, false,
                "\"forged\"", null, 1);
        jms.publishRaw(planted.toJson(), props);
        jms.publishRaw("{\"type\":\"cancel\",\"id\":\"live\"}", props);
        for (int i = 0; i < 10; i++) {
            jms.publishRaw("{\"type\":\"sync\",\"from\":\"mallory\"}", props);
        }
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.WARNING)) {
            // a forged word from "the engine's server" about the engine's limit: no warning, nothing believed
            jms.publishRaw("{\"type\":\"engine\",\"from\":\"mallory\",\"maxDeliveries\":99}", props);
            assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "a ping sent after the forgeries came back: they were heard");
            assertTrue(log.messages(java.util.logging.Level.WARNING).stream().noneMatch(w -> w.contains("maxRedeliveryCount")),
                    log.messages(java.util.logging.Level.WARNING).toString());
        }
        assertTrue(board.byKey(ALICE, "order-42").isEmpty(), "no planted key");
        assertTrue(board.get("planted").isEmpty(), "no planted state");
        assertFalse(board.cancelRequested("live"), "no forged cancel");
        assertEquals(13, server.rejected(JmsActions.Rejection.UNSIGNED));
        long republished = items(jms.publishedDirectly.subList(publishedBefore, jms.publishedDirectly.size())).stream()
                .filter(t -> RunStatus.read(t).getString("type", "").equals("status")).count();
        assertEquals(0, republished, "no republish for forged syncs: " + jms.publishedDirectly);
    }

    @Test
    void aSignedRunStateOlderThanNewsLiveIsAReplayAndRefused() throws Exception {
        JmsActions server = server();
        server.start();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        try (jakarta.jms.JMSContext c = jms.factory.createContext(jakarta.jms.JMSContext.AUTO_ACKNOWLEDGE)) {
            jakarta.jms.TextMessage m = c.createTextMessage(new RunStatus("old", "work", ALICE, "k", ActionRun.State.SUCCEEDED,
                    1, "b", 1, false, "1", null, 1).toJson());
            m.setStringProperty("echoAppName", "app");
            m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()
                    - JmsActionQueue.NEWS_TIME_TO_LIVE_MILLIS - JmsActions.CLOCK_SKEW_MILLIS - 1000));
            new MessageSigner(dev.echo.cdi.config.SigningKeys.of(KEY)).sign(m);
            c.createProducer().send(jms.topic, m);
        }
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        assertTrue(board.get("old").isEmpty());
        assertEquals(1, server.rejected(JmsActions.Rejection.STALE));
    }

    /**
     * The news lag (echo_action_news_lag_seconds): how long the last message believed on the
     * run-state topic had been on its way. A forged message's claimed send time never moves it.
     */
    @Test
    void theNewsLagIsTheAgeOfTheLastSignedMessageHeardOnTheTopicAndAForgedOneDoesNotMoveIt() throws Exception {
        JmsActions server = server();
        assertEquals(-1, server.newsLagMillis(), "nothing heard yet");
        server.start();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        assertTrue(server.newsLagMillis() < 5_000, "its own sync, just sent: " + server.newsLagMillis());
        long before = System.currentTimeMillis();
        try (jakarta.jms.JMSContext c = jms.factory.createContext(jakarta.jms.JMSContext.AUTO_ACKNOWLEDGE)) {
            jakarta.jms.TextMessage m = c.createTextMessage(new RunStatus("late", "work", ALICE, "k", ActionRun.State.SUCCEEDED,
                    1, "b", 1, false, "1", null, 1).toJson());
            m.setStringProperty("echoAppName", "app");
            m.setStringProperty("echoSentAt", Long.toString(before - 5_000));
            new MessageSigner(dev.echo.cdi.config.SigningKeys.of(KEY)).sign(m);
            c.createProducer().send(jms.topic, m);
        }
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the topic delivers in order: the late state is in");
        assertTrue(board.get("late").isPresent(), "five seconds late is within the news lifetime");
        long lag = server.newsLagMillis();
        assertTrue(lag >= 5_000 && lag < 5_000 + (System.currentTimeMillis() - before) + 1, "lag " + lag);
        jms.publishRaw(new RunStatus("forged", "work", ALICE, "k", ActionRun.State.SUCCEEDED, 1, "b", 1, false, "1", null, 1)
                .toJson(), Map.of("echoAppName", "app", "echoSentAt", Long.toString(before - 3_600_000)));
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        assertEquals(lag, server.newsLagMillis(), "an unsigned message's send time is not believed");
        assertEquals(1, server.rejected(JmsActions.Rejection.UNSIGNED));
    }

    @Test
    void everyMessageAServerSendsIsSignedAndNamesItsApplication() throws Exception {
        JmsActions server = server();
        server.send(work("signed", List.of()), ALICE);
        Map<String, Object> props = jms.waitingProperties();
        assertEquals("app", props.get("echoAppName"));
        assertNotNull(props.get(MessageSigner.SIGNATURE));
        server.start();
        nextCommit();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)));
        for (JmsActions.Rejection r : JmsActions.Rejection.values()) {
            assertEquals(0, server.rejected(r), "its own messages are all believed: " + r);
        }
    }

    @Test
    void aFunctionSeesItsRunIdAttemptDeliveriesSubmitterPriorityAndQueue() throws Exception {
        java.util.concurrent.atomic.AtomicReference<CurrentRun> seen = new java.util.concurrent.atomic.AtomicReference<>();
        extra.put("look", content -> {
            seen.set(CurrentRun.get().orElseThrow());
            return null;
        });
        JmsActions server = server();
        server.send(new Action("r-look", "look", null, Priority.HIGH, Action.Metadata.NONE), ALICE);
        server.start();
        nextCommit();
        CurrentRun run = seen.get();
        assertEquals("r-look", run.runId());
        assertEquals(1, run.attempt());
        assertEquals(1, run.deliveries());
        assertEquals(java.util.Optional.of("alice"), run.submitter());
        assertEquals(Priority.HIGH, run.priority());
        assertEquals("jms", run.queue());
        assertTrue(CurrentRun.get().isEmpty(), "nothing outside a run");
    }

    // ---------------------------------------------------------------- graceful stop (issue 28)

    @Test
    void aStopPastItsGraceInterruptsTheRunAndGivesItsMessageBackOnlyAfterTheBodyLeft() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch mayLeave = new java.util.concurrent.CountDownLatch(1);
        extra.put("long", content -> {
            inside.countDown();
            try {
                new java.util.concurrent.CountDownLatch(1).await(); // until interrupted
                return "finished";
            } catch (InterruptedException e) {
                interrupted.countDown();
                mayLeave.await(); // a body that takes a while to clean up after its interrupt
                throw e;
            }
        });
        JmsActions server = server();
        server.send(new Action("r-long", "long", null, Priority.NORMAL, Action.Metadata.NONE), ALICE);
        server.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        Thread stopper = new Thread(() -> server.stop(Duration.ofMillis(100)));
        stopper.start();
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "past its grace the stop interrupted the run");
        stopper.join(300);
        assertTrue(stopper.isAlive(), "the stop waits while the body is still inside");
        assertEquals(0, jms.waiting(), "the message is not given back while the body is inside");
        mayLeave.countDown();
        stopper.join(30_000);
        assertFalse(stopper.isAlive());
        assertEquals(1, jms.waiting(), "once the body left, the message was given back (another server runs it)");
        assertTrue(jms.commits.isEmpty(), "nothing committed: " + jms.commits);
        actions = null; // stopped already
    }

    @Test
    void statesOfARunThatEndedBeforeThePublisherSentThemAreDroppedItsFinalStateGoesWithTheCommit() throws Exception {
        JmsActions server = server();
        jms.holdPublisher(); // the publisher's first send (the subscriber's sync) waits: r1's states queue behind it
        server.start();
        assertTrue(jms.publishersHeld.tryAcquire(10, TimeUnit.SECONDS), "the publisher waits in its first send");
        server.send(work("r1", List.of()), ALICE);
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("r1"), c.taken());
        assertEquals("SUCCEEDED", news(items(c.news()), "r1").getString("state"));
        assertEquals(ActionRun.State.SUCCEEDED, boardStateAfterCommit("r1", ActionRun.State.SUCCEEDED));
        jms.releasePublisher();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the publisher sent what was left");
        List<String> states = items(jms.publishedDirectly).stream().filter(t -> t.contains("\"r1\"")).toList();
        assertEquals(List.of(), states, "its QUEUED, taken and RUNNING states were moot: " + states);
        assertEquals(3, server.superseded(), "all three dropped");
    }

    // ---------------------------------------------------------------- bundles (issue 32)

    /** A bundle of {@code runs} (id, function), signed by another server of ours, on the queue. */
    private void sendBundle(String... idsAndFunctions) throws Exception {
        JmsActionQueue other = sender(KEY, "app");
        List<ActionSender.Outgoing> members = new java.util.ArrayList<>();
        for (int i = 0; i < idsAndFunctions.length; i += 2) {
            members.add(other.outgoing(idsAndFunctions[i], ALICE, null, Priority.NORMAL, dev.echo.cdi.action.ActionJson.write(
                    new Action(idsAndFunctions[i], idsAndFunctions[i + 1], "x", Priority.NORMAL, Action.Metadata.NONE)), 0, 0));
        }
        ActionSender.Outgoing bundle = other.bundle(members);
        try (jakarta.jms.JMSContext c = jms.factory.createContext(jakarta.jms.JMSContext.AUTO_ACKNOWLEDGE)) {
            c.createProducer().send(jms.queue, bundle.toMessage(c));
        }
    }

    @Test
    void aBundleRunsEveryActionItHoldsAndIsSettledByOneCommitCarryingTheirFinalStatesAsOneBatch() throws Exception {
        JmsActions server = server();
        sendBundle("w1", "work", "w2", "work", "w3", "shout");
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("w1"), c.taken(), "one message taken: the bundle (named by its first run)");
        assertEquals(1, c.news().size(), "one topic message: " + c.news());
        List<String> finals = items(c.news());
        for (String id : List.of("w1", "w2", "w3")) {
            JsonObject f = news(finals, id);
            assertEquals("SUCCEEDED", f.getString("state"), f.toString());
            assertEquals(1, f.getInt("deliveries"));
            assertEquals("alice", f.getString("owner"), "each run keeps its submitter: " + f);
        }
        assertEquals(2, worked.get(), "each action ran once");
        assertEquals(0, jms.waiting());
        assertEquals(ActionRun.State.SUCCEEDED, boardStateAfterCommit("w3", ActionRun.State.SUCCEEDED));
    }

    @Test
    void aServerTakesABundleOnlyWithRoomForItsRunsWithinTheWindow() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        extra.put("hold", content -> {
            inside.incrementAndGet();
            release.await();
            return "held";
        });
        Plan.Builder builder = Plan.builder().add("work", c -> "done");
        extra.forEach(builder::add);
        scheduler.stop(Duration.ofSeconds(5));
        scheduler = SchedulerBuilder.create().workerCount(4).name("jms-window").build();
        Sequence sequence = new Sequence(scheduler, builder.build(), Map.of());
        // window 2, bundles of 2: two consumer threads, room for one bundle at a time
        actions = new JmsActions(new ActionQueueSettings(true, "cf", "actions", "runs", 2, 3, "a", "app",
                dev.echo.cdi.config.SigningKeys.of(KEY), dev.echo.cdi.config.MessagingLogin.NONE, 0, 2), jms.factory, jms.queue,
                jms.topic, board, new RunBook(100, 1 << 20), sequence, RunContext.NONE, Thread::new);
        sendBundle("x1", "hold", "x2", "hold");
        sendBundle("y1", "hold", "y2", "hold");
        actions.start();
        Await.value(inside::get, n -> n == 2, Duration.ofSeconds(10), "the first bundle's two runs are inside");
        Thread.sleep(300); // a second consumer thread is idle: had it room, it would have taken y by now
        assertEquals(1, jms.waiting(), "the second bundle waits in the queue: the window (2 runs) is full");
        assertEquals(2, inside.get());
        release.countDown();
        nextCommit();
        nextCommit();
        assertEquals(4, inside.get(), "then it was taken");
        assertEquals(0, jms.waiting());
    }

    @Test
    void aForgedBundleUnsignedOrWithABundleSignedByAStrangerRunsNothingAndChangesNoBoard() throws Exception {
        JmsActions server = server();
        String body = "{\"type\":\"bundle\",\"runs\":[{\"id\":\"f1\",\"principal\":\"alice\",\"application\":true,"
                + "\"priority\":\"NORMAL\",\"action\":" + jakarta.json.Json.createValue(ActionJson.write(work("f1", List.of()))) + "}]}";
        // unsigned, claiming to be a bundle that hands back a run with many deliveries already counted
        jms.sendRaw(body, Map.of("echoAppName", "app", "echoRunId", "f1", "echoBundle", "1", "echoDelivered", "99",
                "echoSentAt", Long.toString(System.currentTimeMillis())));
        server.start();
        assertEquals(List.of("f1"), nextCommit().taken(), "taken off the queue, unrun");
        // signed by a key no server of ours holds
        JmsActionQueue stranger = sender(STRANGER_KEY, "app");
        ActionSender.Outgoing forged = stranger.bundle(List.of(stranger.outgoing("f2", ALICE, null, Priority.NORMAL,
                ActionJson.write(work("f2", List.of())), 0, 0)));
        try (jakarta.jms.JMSContext c = jms.factory.createContext(jakarta.jms.JMSContext.AUTO_ACKNOWLEDGE)) {
            c.createProducer().send(jms.queue, forged.toMessage(c));
        }
        FakeJms.Commit second = nextCommit();
        assertEquals(List.of("f2"), second.taken());
        assertEquals(List.of(), second.news(), "no state published");
        assertEquals(0, worked.get(), "nothing ran");
        assertTrue(board.get("f1").isEmpty() && board.get("f2").isEmpty(), "no board knows them");
        assertEquals(1, server.rejected(JmsActions.Rejection.UNSIGNED));
        assertEquals(1, server.rejected(JmsActions.Rejection.BAD_SIGNATURE));
        assertEquals(0, server.bundlesConsumed(), "neither was read as a bundle");
    }

    @Test
    void aStopGivesBackOnlyTheRunsOfABundleThatDidNotFinishAsMessagesOfTheirOwnThatCountTheirDelivery() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger longCalls = new java.util.concurrent.atomic.AtomicInteger();
        extra.put("long", content -> {
            if (longCalls.incrementAndGet() > 1) {
                return "finished"; // the second server's run
            }
            inside.countDown();
            new java.util.concurrent.CountDownLatch(1).await(); // until the stop interrupts it
            return "never";
        });
        JmsActions first = server();
        sendBundle("b1", "work", "b-long", "long");
        first.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        Await.value(worked::get, n -> n == 1, Duration.ofSeconds(10), "b1 ran");
        first.stop(Duration.ofMillis(100)); // past its grace the long run is interrupted; its body leaves at once
        actions = null;
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("b1"), c.taken(), "the bundle was committed, not rolled back: b1 must not run again");
        assertEquals("SUCCEEDED", news(items(c.news()), "b1").getString("state"));
        assertEquals(List.of("b-long"), c.queued(), "b-long went back to the queue in the same transaction");
        List<Map<String, Object>> waiting = jms.allWaitingProperties();
        assertEquals(1, waiting.size());
        assertEquals("b-long", waiting.get(0).get("echoRunId"));
        assertEquals("1", waiting.get(0).get("echoDelivered"), "it carries its delivery: " + waiting.get(0));
        assertNotNull(waiting.get(0).get("echoSignature"), "signed anew");
        // another server takes it as a second delivery
        JmsActions second = server();
        second.start();
        FakeJms.Commit again = nextCommit();
        assertEquals(List.of("b-long"), again.taken());
        JsonObject f = news(items(again.news()), "b-long");
        assertEquals("SUCCEEDED", f.getString("state"), f.toString());
        assertEquals(2, f.getInt("deliveries"), f.toString());
        assertTrue(f.getBoolean("redelivered"), f.toString());
        assertEquals(1, worked.get(), "b1 ran once in all");
    }

    @Test
    void aBodyThatFinishesDespiteTheStopsInterruptHasItsMessageCommittedNotRunAgain() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch mayFinish = new java.util.concurrent.CountDownLatch(1);
        extra.put("stubborn", content -> {
            inside.countDown();
            while (true) {
                try {
                    mayFinish.await();
                    return "done anyway";
                } catch (InterruptedException e) {
                    interrupted.countDown(); // ignores it, as some code does
                }
            }
        });
        JmsActions server = server();
        server.send(new Action("r-stubborn", "stubborn", null, Priority.NORMAL, Action.Metadata.NONE), ALICE);
        server.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        Thread stopper = new Thread(() -> server.stop(Duration.ofMillis(100)));
        stopper.start();
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the stop interrupted the run after its grace");
        mayFinish.countDown();
        stopper.join(30_000);
        FakeJms.Commit c = jms.commits.poll(1, TimeUnit.SECONDS);
        assertNotNull(c, "the message was committed: its body's work is done and must not be done again elsewhere");
        assertEquals(List.of("r-stubborn"), c.taken());
        assertEquals(0, jms.waiting(), "not given back");
        actions = null;
    }

    @Test
    void aDeliveryCountAboveMaxDeliveriesIsNamedOnceAsAMismatchWithTheEngine() throws Exception {
        JmsActions server = server();
        // settings(): max-deliveries 3; the "engine" delivers a signed message a fourth time, twice
        sender(KEY, "app").offer(work("late-1", List.of()), ALICE);
        sender(KEY, "app").offer(work("late-2", List.of()), ALICE);
        jms.setDeliveryCountOfWaiting(4);
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.WARNING)) {
            server.start();
            nextCommit();
            nextCommit();
            List<String> warnings = log.messages(java.util.logging.Level.WARNING).stream()
                    .filter(m -> m.contains("maxRedeliveryCount")).toList();
            assertEquals(1, warnings.size(), "named once: " + warnings);
            assertTrue(warnings.get(0).contains("echo.actions.jms.max-deliveries is 3"), warnings.get(0));
        }
    }

    /** A server of application "app" named {@code name}, with one consumer, on this test's engine. */
    private JmsActions bare(ActionQueueSettings settings, jakarta.jms.ConnectionFactory factory) {
        Sequence sequence = new Sequence(scheduler, Plan.builder().add("work", c -> "done").build(), Map.of());
        return new JmsActions(settings, factory, jms.queue, jms.topic, new RunBoard(100),
                new RunBook(100, 1 << 20), sequence, RunContext.NONE, Thread::new);
    }

    private static ActionQueueSettings limits(String server, int maxDeliveries, int engineMaxDeliveries) {
        return new ActionQueueSettings(true, "cf", "actions", "runs", 1, maxDeliveries, server, "app",
                dev.echo.cdi.config.SigningKeys.of(KEY), dev.echo.cdi.config.MessagingLogin.NONE, engineMaxDeliveries);
    }

    @Test
    void theServerHostingTheEngineNamesADifferentMaxDeliveriesWhenItStarts() throws Exception {
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.WARNING)) {
            actions = bare(limits("a", 3, 5), jms.factory);
            actions.start(); // no message yet: the check needs none
            List<String> warnings = log.messages(java.util.logging.Level.WARNING);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("echo.actions.jms.max-deliveries is 3")
                    && warnings.get(0).contains("maxRedeliveryCount) is 5")
                    && warnings.get(0).contains("echo.actions.jms.engine-max-deliveries"), warnings.get(0));
        }
        actions.stop(Duration.ofSeconds(5));
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.WARNING)) {
            actions = bare(limits("a", 5, 5), jms.factory);
            actions.start();
            assertTrue(actions.syncWithTopic(Duration.ofSeconds(10)));
            assertEquals(List.of(), log.messages(java.util.logging.Level.WARNING), "the same limit: nothing to say");
        }
    }

    @Test
    void aJoiningServerLearnsTheEnginesLimitFromTheServerHostingItAndNamesADifference() throws Exception {
        JmsActions a = bare(limits("a", 5, 5), jms.factory);
        a.start();
        assertTrue(a.syncWithTopic(Duration.ofSeconds(10)), "a listens before b joins");
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.WARNING)) {
            actions = bare(limits("b", 3, 0), jms.factory); // b cannot know the engine's limit itself
            actions.start(); // its subscriber asks for a sync; a answers with its states and the engine's limit
            Await.value(() -> log.messages(java.util.logging.Level.WARNING), w -> !w.isEmpty(), Duration.ofSeconds(20),
                    "b names the difference");
            List<String> warnings = log.messages(java.util.logging.Level.WARNING);
            assertEquals(1, warnings.size(), "only b, once: " + warnings);
            assertTrue(warnings.get(0).contains("is 3 on server 'b'") && warnings.get(0).contains("is 5 (as server 'a'"),
                    warnings.get(0));
        } finally {
            a.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aLoginTheEngineRefusesIsNamedInTheOutageWarning() throws Exception {
        jakarta.jms.ConnectionFactory refusing = (jakarta.jms.ConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{jakarta.jms.ConnectionFactory.class}, (p, m, args) -> {
                    if (m.getName().equals("createContext")) {
                        throw new jakarta.jms.JMSSecurityRuntimeException("CWSIA0009E: The authentication was not successful.");
                    }
                    return m.invoke(jms.factory, args);
                });
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.WARNING)) {
            actions = bare(new ActionQueueSettings(true, "cf", "actions", "runs", 1, 3, "a", "app",
                    dev.echo.cdi.config.SigningKeys.of(KEY), dev.echo.cdi.config.MessagingLogin.of("echo-server", "wrong-password-123")),
                    refusing);
            actions.start();
            Await.value(() -> log.messages(java.util.logging.Level.WARNING).stream().filter(w -> w.contains("refused the login"))
                    .toList(), w -> !w.isEmpty(), Duration.ofSeconds(20), "the refusal is named");
            String w = log.messages(java.util.logging.Level.WARNING).stream().filter(m -> m.contains("refused the login"))
                    .findFirst().orElseThrow();
            assertTrue(w.contains("user 'echo-server'") && w.contains("echo.actions.jms.password"), w);
            assertFalse(w.contains("wrong-password-123"), "never the password: " + w);
        }
        assertFalse(JmsActions.refusedLogin(new jakarta.jms.JMSRuntimeException("engine unreachable")),
                "an outage is not a refused login");
    }

    @Test
    void anOutageOfTheProviderIsOneWarningNotOnePerThreadPerSecond() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        // three consumers and the subscriber, each failing twice (a first try and one retry after its pause)
        java.util.concurrent.CountDownLatch failures = new java.util.concurrent.CountDownLatch(8);
        jakarta.jms.ConnectionFactory flaky = (jakarta.jms.ConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{jakarta.jms.ConnectionFactory.class}, (p, m, args) -> {
                    if (m.getName().equals("createContext") && down.get()) {
                        failures.countDown();
                        throw new jakarta.jms.JMSRuntimeException("engine unreachable");
                    }
                    return m.invoke(jms.factory, args);
                });
        Sequence sequence = new Sequence(scheduler, Plan.builder().add("work", c -> "done").build(), Map.of());
        ActionQueueSettings three = new ActionQueueSettings(true, "cf", "actions", "runs", 3, 3, "a", "app",
                dev.echo.cdi.config.SigningKeys.of(KEY));
        try (var log = dev.echo.testing.LogCapture.of(JmsActions.class, java.util.logging.Level.INFO)) {
            actions = new JmsActions(three, flaky, jms.queue, jms.topic, board, new RunBook(100, 1 << 20), sequence,
                    RunContext.NONE, Thread::new);
            actions.start();
            assertTrue(failures.await(30, TimeUnit.SECONDS), "every thread failed and tried again");
            down.set(false);
            assertTrue(actions.syncWithTopic(Duration.ofSeconds(40)), "it reconnects once the provider answers");
            sender(KEY, "app").offer(work("after", List.of()), ALICE);
            assertEquals(List.of("after"), nextCommit().taken());
            List<String> warnings = log.messages(java.util.logging.Level.WARNING);
            assertEquals(2, warnings.size(), "one for the queue's consumers, one for the topic's subscriber: " + warnings);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("taking actions from actions failed")), warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("listening to runs failed")), warnings.toString());
            Await.value(() -> log.messages(java.util.logging.Level.INFO).stream().filter(m -> m.contains("works again")).count(),
                    n -> n == 2, Duration.ofSeconds(10), "one INFO each when back");
        }
    }

    @Test
    void everyConnectionAuthenticatesAsTheConfiguredMessagingUser() throws Exception {
        Sequence sequence = new Sequence(scheduler, Plan.builder().add("work", c -> "done").build(), Map.of());
        ActionQueueSettings withLogin = new ActionQueueSettings(true, "cf", "actions", "runs", 1, 3, "a", "app",
                dev.echo.cdi.config.SigningKeys.of(KEY), dev.echo.cdi.config.MessagingLogin.of("echo-server", "s3cret"));
        actions = new JmsActions(withLogin, jms.factory, jms.queue, jms.topic, board, new RunBook(100, 1 << 20), sequence,
                RunContext.NONE, Thread::new);
        actions.send(work("logged-in", List.of()), ALICE);
        actions.start();
        assertEquals(List.of("logged-in"), nextCommit().taken());
        assertTrue(actions.syncWithTopic(Duration.ofSeconds(10)));
        assertFalse(jms.users.isEmpty());
        assertTrue(jms.users.stream().allMatch("echo-server/s3cret"::equals),
                "the sender, the consumer, the publisher and the subscriber all log in: " + jms.users);
        assertFalse(withLogin.toString().contains("s3cret"), "the password is not in the settings' text: " + withLogin);
    }

    @Test
    void aSubscriptionThatSilentlyStopsDeliveringIsFoundByItsOwnPingAndRenewed() throws Exception {
        JmsActions server = server();
        server.livenessCheck(Duration.ofMillis(300), Duration.ofMillis(300));
        server.start();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the subscriber listens");
        jms.loseSubscriptions(); // no error, no delivery: what the subscriber on B saw after A's engine restarted
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)),
                "within a second of quiet the subscriber misses its own ping, subscribes again, and hears again");
    }

    @Test
    void aReceiveThatHangsIsEndedByClosingItsConnectionAndTheSubscriberHearsAgain() throws Exception {
        JmsActions server = server();
        server.livenessCheck(Duration.ofSeconds(60), Duration.ofMillis(500)); // the watchdog, not the ping, must act
        server.start();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the subscriber listens");
        jms.hangReceives = true; // the subscriber's next receive neither returns nor fails
        assertTrue(jms.hanging.await(10, TimeUnit.SECONDS), "the subscriber is inside the hung receive");
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)),
                "the publisher closed the hung subscriber's connection; it connected again and heard the ping");
    }
}
