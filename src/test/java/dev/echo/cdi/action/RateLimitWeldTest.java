package dev.echo.cdi.action;

import dev.echo.cdi.EchoAction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** echo.actions.function.<name>.rate-limit through EchoActions, as the application's code and a caller see it. */
class RateLimitWeldTest {

    @ApplicationScoped
    @jakarta.annotation.security.PermitAll
    public static class LimitedActions {
        static final AtomicInteger CALLS = new AtomicInteger();

        @EchoAction("limited")
        public String limited() {
            CALLS.incrementAndGet();
            return "ran";
        }

        @EchoAction("free")
        public String free() {
            return "free";
        }
    }

    @Test
    void overTheLimitNothingIsQueuedAndTheExceptionNamesTheFunctionAndTheLimit() throws Exception {
        System.setProperty("echo.actions.function.limited.rate-limit", "2/PT1H");
        try (WeldContainer c = dev.echo.cdi.EchoWeld.with(LimitedActions.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            LimitedActions.CALLS.set(0);
            for (int i = 0; i < 2; i++) {
                assertEquals("ran", actions.submitAs(ActionJson.read("{\"name\": \"limited\"}"), "alice", role -> true)
                        .run().completion().get(10, TimeUnit.SECONDS));
            }
            int kept = actions.keptIds().size();
            ActionRateLimitedException e = assertThrows(ActionRateLimitedException.class,
                    () -> actions.submitAs(ActionJson.read("{\"name\": \"limited\"}"), "alice", role -> true));
            assertEquals("limited", e.action());
            assertEquals("2/PT1H", e.limit());
            assertTrue(e.retryAfterSeconds() >= 1799, "half an hour until one more fits: " + e.retryAfter());
            assertEquals(kept, actions.keptIds().size(), "nothing was accepted");
            // another caller, another function, and the application's own code are counted apart
            actions.submitAs(ActionJson.read("{\"name\": \"limited\"}"), "bob", role -> true).run().completion().get(10, TimeUnit.SECONDS);
            actions.submitAs(ActionJson.read("{\"name\": \"free\"}"), "alice", role -> true).run().completion().get(10, TimeUnit.SECONDS);
            actions.submit(ActionJson.read("{\"name\": \"limited\"}"), role -> true).completion().get(10, TimeUnit.SECONDS);
            actions.submit(ActionJson.read("{\"name\": \"limited\"}"), role -> true).completion().get(10, TimeUnit.SECONDS);
            assertThrows(ActionRateLimitedException.class, () -> actions.submit(ActionJson.read("{\"name\": \"limited\"}"), role -> true));
            assertEquals(5, LimitedActions.CALLS.get(), "alice twice, bob once, the application twice");
        } finally {
            System.clearProperty("echo.actions.function.limited.rate-limit");
        }
    }

    @Test
    void maxStartsFromTheConfigurationHoldsAttemptsBeyondItQueuedUntilTheirTurn() throws Exception {
        System.setProperty("echo.actions.function.limited.max-starts", "1/PT1H");
        try (WeldContainer c = dev.echo.cdi.EchoWeld.with(LimitedActions.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            LimitedActions.CALLS.set(0);
            dev.echo.action.ActionRun first = actions.submit(ActionJson.read("{\"name\": \"limited\"}"), role -> true);
            dev.echo.action.ActionRun second = actions.submit(ActionJson.read("{\"name\": \"limited\"}"), role -> true);
            assertEquals("ran", first.completion().get(10, TimeUnit.SECONDS));
            assertEquals("free", actions.submit(ActionJson.read("{\"name\": \"free\"}"), role -> true).completion().get(10, TimeUnit.SECONDS),
                    "other functions are not held up");
            assertEquals(dev.echo.action.ActionRun.State.QUEUED, second.state(), "the second waits for its turn, an hour away");
            assertEquals(1, LimitedActions.CALLS.get());
            assertTrue(second.cancel(), "a waiting run can be cancelled");
            assertEquals(dev.echo.action.ActionRun.State.CANCELLED, second.state());
        } finally {
            System.clearProperty("echo.actions.function.limited.max-starts");
        }
    }

    @Test
    void aBadLimitFailsNamingItsKey() {
        System.setProperty("echo.actions.function.limited.rate-limit", "lots");
        try (WeldContainer c = dev.echo.cdi.EchoWeld.with(LimitedActions.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> actions.submitAs(ActionJson.read("{\"name\": \"free\"}"), "alice", role -> true));
            assertTrue(e.getMessage().startsWith("echo.actions.function.limited.rate-limit must be <count>/<ISO-8601 duration>"), e.getMessage());
        } catch (RuntimeException startFailed) {
            // the container may refuse to start instead: then its cause names the key
            assertTrue(String.valueOf(startFailed).contains("echo.actions.function.limited.rate-limit")
                    || String.valueOf(startFailed.getCause()).contains("echo.actions.function.limited.rate-limit"), String.valueOf(startFailed));
        } finally {
            System.clearProperty("echo.actions.function.limited.rate-limit");
        }
    }
}
