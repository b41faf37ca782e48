package dev.echo.cdi.action;

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

import static org.junit.jupiter.api.Assertions.*;

/**
 * How a server settles action messages, against an in-memory provider ({@link FakeJms}) that
 * records every commit. The in-server behaviour (two Liberty servers, one killed) is
 * MessagingClusterIT's; these tests pin down what a kill cannot show reliably: the moment between
 * a commit and the publisher thread's next send.
 */
class JmsActionsTest {

    private static final RunBook.Owner ALICE = RunBook.Owner.caller("alice");

    private final Scheduler scheduler = SchedulerBuilder.create().workerCount(1).name("jms-test").build();
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

    private JmsActions server(java.util.concurrent.ThreadFactory threads) {
        Plan plan = Plan.builder()
                .add("work", content -> "done " + content)
                .add("shout", content -> content + "!")
                .build();
        Sequence sequence = new Sequence(scheduler, plan, Map.of());
        actions = new JmsActions(new ActionQueueSettings(true, "cf", "actions", "runs", 1, 3, "a"), jms.factory, jms.queue,
                jms.topic, board, new RunBook(100, 1 << 20), sequence, RunContext.NONE, threads);
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

    private FakeJms.Commit nextCommit() throws InterruptedException {
        FakeJms.Commit c = jms.commits.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "the consumer committed within 10 s");
        return c;
    }

    @Test
    void theCommitThatTakesAnActionOffTheQueuePublishesItsFinalStatesEvenIfThePublisherNeverSendsAgain() throws Exception {
        JmsActions server = server();
        jms.holdPublisher(); // from here on the publisher thread sends nothing: as if the server died right after the commit
        server.send(work("r1", List.of(new Action("shout", "shout", null, Priority.NORMAL, Action.Metadata.NONE))), ALICE);
        server.start();
        FakeJms.Commit c = nextCommit();
        assertEquals(List.of("r1"), c.taken());
        JsonObject root = news(c.news(), "r1");
        assertEquals("SUCCEEDED", root.getString("state"), root.toString());
        assertEquals("a", root.getString("server"));
        assertEquals(1, root.getInt("attempts"));
        assertEquals(1, root.getInt("deliveries"));
        assertTrue(root.getString("result").contains("done x"), root.toString());
        JsonObject chained = news(c.news(), "r1:shout");
        assertEquals("SUCCEEDED", chained.getString("state"), "the chained run's end goes with its root's commit: " + chained);
        assertTrue(chained.getString("result").contains("done x!"), chained.toString());
        assertEquals(ActionRun.State.SUCCEEDED, boardStateAfterCommit("r1", ActionRun.State.SUCCEEDED), "this server's board has it too");
        assertEquals(0, jms.waiting(), "the message is gone from the queue");

        // once the publisher can send again, it does not repeat the root's end
        jms.releasePublisher();
        assertTrue(server.syncWithTopic(Duration.ofSeconds(10)), "the publisher caught up");
        for (String sent : jms.publishedDirectly) {
            JsonObject o = RunStatus.read(sent);
            assertFalse("r1".equals(o.getString("id", "")) && o.getString("state").equals("SUCCEEDED"),
                    "the root's final state is sent once, with the commit: " + jms.publishedDirectly);
        }
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
        JsonObject s = news(c.news(), "r2");
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
}
