package dev.echo.cdi;

import dev.echo.testing.Blocker;
import dev.echo.testing.Causes;
import dev.echo.cdi.action.ActionJson;
import dev.echo.cdi.action.EchoActions;
import dev.echo.action.Action;
import dev.echo.action.ActionException;
import dev.echo.action.ActionRun;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** @EchoAction and @EchoHook methods become the application's plan and hooks (Weld, outside a server). */
class EchoActionsWeldTest {

    private static Weld weld(Class<?>... beans) {
        return new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClasses(beans);
    }

    @Test
    void beanMethodsRunAsActionsWithTheirHooks() throws Exception {
        try (WeldContainer c = weld(ActionBeans.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            assertEquals(java.util.Set.of("greet", "total"), actions.names());
            Action greet = ActionJson.read("{\"name\": \"greet\", \"content\": \"ada\","
                    + " \"metadata\": {\"hooks\": {\"after\": [\"audit\"]}}}");
            ActionRun run = actions.submit(greet, role -> false);
            assertEquals("hello ada", run.completion().get(10, TimeUnit.SECONDS));
            assertEquals(List.of("audit:greet:hello ada"), c.select(ActionBeans.class).get().events());
            assertSame(run, actions.find(run.action().id()).orElseThrow());
            Action total = ActionJson.read("{\"name\": \"total\", \"content\": {\"qty\": 3, \"price\": 7}}");
            assertEquals(21L, actions.submit(total, role -> false).completion().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFunctionSeesItsRunWithTheInMemoryQueue() throws Exception {
        try (WeldContainer c = weld(RunViewBeans.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            Action look = new Action("r-1", "look", "x", dev.echo.task.Priority.HIGH, null);
            var seen = (java.util.Map<String, Object>) actions.submitAs(look, "alice", role -> false).run().completion()
                    .get(10, TimeUnit.SECONDS);
            assertEquals(java.util.Map.of("content", "x", "runId", "r-1", "attempt", 1, "deliveries", 1, "submitter", "alice",
                    "priority", "HIGH", "queue", "memory", "sameAsGet", true), seen);
            var own = (java.util.Map<String, Object>) actions.submit(new Action("r-2", "look", "y",
                    dev.echo.task.Priority.LOW, null), role -> false).completion().get(10, TimeUnit.SECONDS);
            assertEquals("", own.get("submitter"), "the application's own run has no submitter: " + own);
            assertEquals("r-2", own.get("runId"));
        }
    }

    @Test
    void anActionMethodWhoseSecondParameterIsNotTheRunFailsTheDeployment() {
        Exception e = assertThrows(Exception.class, () -> weld(RunViewBeans.WrongSecondParameter.class).initialize().close());
        String all = Causes.messages(e);
        assertTrue(all.contains("action 'wrong'") && all.contains("CurrentRun"), all);
    }

    @Test
    void unknownActionsAndMissingRolesQueueNothing() throws Exception {
        try (WeldContainer c = weld(ActionBeans.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            ActionException routing = assertThrows(ActionException.class,
                    () -> actions.submit(new Action("x", "nope", null, dev.echo.task.Priority.NORMAL, null), role -> true));
            assertEquals(ActionException.Kind.ROUTING, routing.kind());
            // from code an action may still carry a required role (a request cannot: see ActionJsonTest)
            Action.Metadata admin = new Action.Metadata(null, null, null, null, null, null, "admin", null);
            ActionException license = assertThrows(ActionException.class, () -> actions.submit(
                    new Action("y", "greet", null, dev.echo.task.Priority.NORMAL, admin), role -> false));
            assertEquals(ActionException.Kind.LICENSE, license.kind());
            assertTrue(actions.find("x").isEmpty());
            assertTrue(actions.find("y").isEmpty());
        }
    }

    @Test
    void aSecondSubmissionWithTheSameIdempotencyKeyIsTheSameRun() throws Exception {
        try (WeldContainer c = weld(GatedActionBean.class).initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            Blocker gate = c.select(GatedActionBean.class).get().gate();
            Action.Metadata keyed = new Action.Metadata(null, null, null, null, null, null, null, "k-1");
            ActionRun first = actions.submit(new Action("first", "gated", "x", dev.echo.task.Priority.NORMAL, keyed), role -> true);
            gate.awaitStarted(); // the first run is live (running) until the gate opens
            ActionRun second = actions.submit(new Action("second", "gated", "x", dev.echo.task.Priority.NORMAL, keyed), role -> true);
            assertSame(first, second);
            assertTrue(actions.find("second").isEmpty());
            gate.release();
            assertEquals("gated x", first.completion().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void twoMethodsWithOneActionNameFailTheDeploymentNamingBoth() {
        Exception e = assertThrows(Exception.class, () -> weld(ActionBeans.class, DuplicateActionBeans.class).initialize().close());
        String all = Causes.messages(e);
        assertTrue(all.contains("action 'greet' is defined twice")
                && all.contains("ActionBeans#greet") && all.contains("DuplicateActionBeans#greetAgain"), all);
    }
}
