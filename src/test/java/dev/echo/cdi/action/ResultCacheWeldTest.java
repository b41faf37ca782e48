package dev.echo.cdi.action;

import dev.echo.action.ActionRun;
import dev.echo.cdi.EchoAction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** echo.actions.function.<name>.cache-for through EchoActions, as callers and the run's JSON see it. */
class ResultCacheWeldTest {

    @ApplicationScoped
    @jakarta.annotation.security.PermitAll
    public static class CachedActions {
        static final AtomicInteger QUOTES = new AtomicInteger();
        static final AtomicInteger SHORT = new AtomicInteger();

        @EchoAction("quote")
        public String quote(Object content) {
            return "quote #" + QUOTES.incrementAndGet() + " for " + content;
        }

        @EchoAction("short-lived")
        public int shortLived() {
            return SHORT.incrementAndGet();
        }
    }

    private static ActionRun submit(EchoActions actions, String json, String caller) throws Exception {
        ActionRun run = actions.submitAs(ActionJson.read(json), caller, role -> true).run();
        run.completion().get(10, TimeUnit.SECONDS);
        return run;
    }

    @Test
    void theSameCallerAndContentReuseTheResultAndNothingElseDoes() throws Exception {
        System.setProperty("echo.actions.function.quote.cache-for", "PT1H");
        System.setProperty("echo.actions.function.short-lived.cache-for", "300ms");
        try (WeldContainer c = dev.echo.cdi.EchoWeld.with(CachedActions.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            CachedActions.QUOTES.set(0);
            ActionRun first = submit(actions, "{\"name\": \"quote\", \"content\": {\"a\": 1, \"b\": 2}}", "alice");
            assertFalse(first.cached());
            assertEquals(1, CachedActions.QUOTES.get());
            ActionRun second = submit(actions, "{\"name\": \"quote\", \"content\": {\"b\": 2, \"a\": 1.0}}", "alice");
            assertTrue(second.cached(), "same caller, same content in another spelling: cached");
            assertEquals(first.completion().get(), second.completion().get());
            assertEquals(ActionRun.State.SUCCEEDED, second.state());
            assertNotEquals(first.action().id(), second.action().id(), "a new run, with its own id");
            assertEquals(1, CachedActions.QUOTES.get(), "the function was not invoked");
            String json = ActionsResource.describe(second).toString();
            assertTrue(json.contains("\"cached\":true") && json.contains("\"attempts\":0"), json);
            assertTrue(ActionsResource.describe(first).toString().contains("\"cached\":false"));

            assertFalse(submit(actions, "{\"name\": \"quote\", \"content\": {\"a\": 1, \"b\": 2}}", "bob").cached(),
                    "another caller runs its own");
            assertFalse(submit(actions, "{\"name\": \"quote\", \"content\": {\"a\": 1, \"b\": 3}}", "alice").cached(),
                    "other content runs");
            assertFalse(submit(actions, "{\"name\": \"quote\", \"content\": {\"a\": 1, \"b\": 2}}", null).cached(),
                    "an anonymous caller is never served a cached result (anonymous callers all look alike)");
            assertFalse(submit(actions, "{\"name\": \"quote\", \"content\": {\"a\": 1, \"b\": 2}}", null).cached());
            for (int i = 0; i < 2; i++) {
                ActionRun own = actions.submit(ActionJson.read("{\"name\": \"quote\", \"content\": {\"a\": 1, \"b\": 2}}"), role -> true);
                own.completion().get(10, TimeUnit.SECONDS);
                assertEquals(i == 1, own.cached(), "the application's own submissions are one caller");
            }
            assertEquals(6, CachedActions.QUOTES.get(), "alice, bob, the other content, two anonymous, the application: six invocations");

            // expiry: after cache-for the function runs again (waiting longer than 300 ms is never too long)
            CachedActions.SHORT.set(0);
            assertEquals(1, submit(actions, "{\"name\": \"short-lived\"}", "alice").completion().get());
            ActionRun hit = submit(actions, "{\"name\": \"short-lived\"}", "alice");
            if (hit.cached()) {
                assertEquals(1, hit.completion().get());
            }
            Thread.sleep(400);
            ActionRun after = submit(actions, "{\"name\": \"short-lived\"}", "alice");
            assertFalse(after.cached(), "expired: the function ran again");
            assertEquals(CachedActions.SHORT.get(), after.completion().get());
        } finally {
            System.clearProperty("echo.actions.function.quote.cache-for");
            System.clearProperty("echo.actions.function.short-lived.cache-for");
        }
    }

    @Test
    void aFailedRunIsNotCached() throws Exception {
        System.setProperty("echo.actions.function.fails.cache-for", "PT1H");
        try (WeldContainer c = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            ResultActions.FAILS.set(0);
            for (int i = 0; i < 2; i++) {
                ActionRun run = actions.submitAs(ActionJson.read("{\"name\": \"fails\"}"), "alice", role -> true).run();
                assertThrows(Exception.class, () -> run.completion().get(10, TimeUnit.SECONDS));
                assertFalse(run.cached());
            }
            assertEquals(2, ResultActions.FAILS.get());
        } finally {
            System.clearProperty("echo.actions.function.fails.cache-for");
        }
    }
}
