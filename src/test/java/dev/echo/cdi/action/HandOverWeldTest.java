package dev.echo.cdi.action;

import dev.echo.action.InMemoryActionQueue;
import dev.echo.action.ActionRun;
import dev.echo.cdi.EchoAction;
import dev.echo.testing.Blocker;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** A delivery is acknowledged when its run starts: a run that outlives the redelivery timeout is never started twice. */
class HandOverWeldTest {

    @ApplicationScoped
    public static class CountedActions {
        private final AtomicInteger slowStarts = new AtomicInteger();
        private final Blocker gate = new Blocker();

        // methods, not fields: the test holds a client proxy
        public Blocker gate() {
            return gate;
        }

        public int slowStarts() {
            return slowStarts.get();
        }

        @EchoAction("slow")
        public String slow() {
            slowStarts.incrementAndGet();
            gate.run();
            return "done";
        }

        @EchoAction("quick")
        public String quick() {
            return "quick";
        }
    }

    @Test
    void aRunStillLivePastTheRedeliveryTimeoutIsNotStartedAgain() throws Exception {
        AtomicLong now = new AtomicLong();
        try (WeldContainer c = dev.echo.cdi.EchoWeld.with(CountedActions.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            actions.useQueue(new InMemoryActionQueue(10, Duration.ofMinutes(10), now::get));
            CountedActions beans = c.select(CountedActions.class).get();
            ActionRun slow = actions.submit(ActionJson.read("{\"name\": \"slow\"}"), role -> true);
            beans.gate().awaitStarted();
            now.addAndGet(Duration.ofHours(1).toNanos()); // far past the redelivery timeout, the run still live
            ActionRun quick = actions.submit(ActionJson.read("{\"name\": \"quick\"}"), role -> true);
            assertEquals("quick", quick.completion().get(10, TimeUnit.SECONDS));
            assertEquals(0, actions.unacknowledged(), "nothing is left unacknowledged once handed over");
            beans.gate().release();
            assertEquals("done", slow.completion().get(10, TimeUnit.SECONDS));
            assertEquals(1, beans.slowStarts(), "the slow action ran once");
        }
    }
}
