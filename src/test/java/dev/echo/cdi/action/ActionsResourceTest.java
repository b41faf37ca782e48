package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.ActionQueue;
import dev.echo.action.ActionRun;
import dev.echo.cdi.EchoExtension;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/** The REST resource's answers, outside a server: status codes and JSON bodies. */
class ActionsResourceTest {

    private WeldContainer container;
    private ActionsResource resource;

    @BeforeEach
    void start() {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_REST_ENABLED, "true"); // the application opened it
        container = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(ResultActions.class)
                .initialize();
        resource = resource(container.select(EchoActions.class).get(), Set.of("orders"));
    }

    @AfterEach
    void stop() {
        container.close();
        System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_REST_ENABLED);
    }

    @Test
    void closedUnlessTheApplicationOpensItEveryRequestIsA404() {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_REST_ENABLED, "false");
        try (var closed = new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(ResultActions.class)
                .initialize()) {
            ActionsResource r = resource(closed.select(EchoActions.class).get(), Set.of("orders"));
            for (org.junit.jupiter.api.function.Executable call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> r.submit("{\"name\": \"echo\"}"), () -> r.get("x"), () -> r.cancel("x"))) {
                assertEquals(404, assertThrows(jakarta.ws.rs.NotFoundException.class, call).getResponse().getStatus());
            }
        }
    }

    private static ActionsResource resource(EchoActions actions, Set<String> roles) {
        ActionsResource r = new ActionsResource();
        r.actions = actions;
        r.security = (SecurityContext) Proxy.newProxyInstance(ActionsResourceTest.class.getClassLoader(),
                new Class<?>[]{SecurityContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isUserInRole" -> roles.contains((String) args[0]);
                    case "isSecure" -> false;
                    default -> null;
                });
        r.uri = (UriInfo) Proxy.newProxyInstance(ActionsResourceTest.class.getClassLoader(),
                new Class<?>[]{UriInfo.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAbsolutePathBuilder")) {
                        return UriBuilder.fromUri("http://localhost/app/api/actions");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return r;
    }

    private static JsonObject json(Response r) {
        Object entity = r.getEntity();
        return entity instanceof JsonObject o ? o : Json.createReader(new StringReader(String.valueOf(entity))).readObject();
    }

    /** Polls GET until the run has a final state (a run's state is not announced by any event). */
    private JsonObject awaitFinal(String id) throws Exception {
        return dev.echo.testing.Await.value(() -> json(resource.get(id)),
                o -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(o.getString("state", "")), Duration.ofSeconds(10),
                "action " + id + " ends");
    }

    @Test
    void anAcceptedActionAnswers202WithItsIdAndLocation() {
        Response r = resource.submit("{\"id\": \"a-1\", \"name\": \"echo\", \"content\": 3}");
        assertEquals(202, r.getStatus());
        assertEquals("a-1", json(r).getString("id"));
        assertEquals("http://localhost/app/api/actions/a-1", r.getLocation().toString());
    }

    @Test
    void getAndDeleteOfAnUnknownIdAnswer404WithAJsonBody() {
        for (Response r : new Response[]{resource.get("nope"), resource.cancel("nope")}) {
            assertEquals(404, r.getStatus());
            JsonObject body = json(r);
            assertEquals(404, body.getInt("status"));
            assertTrue(body.getString("error").contains("'nope'"), body.toString());
        }
    }

    @Test
    void aFailedRunIsDescribedWithItsStateAttemptsAndTypedError() throws Exception {
        assertEquals(202, resource.submit("{\"id\": \"f-1\", \"name\": \"fails\"}").getStatus());
        JsonObject done = awaitFinal("f-1");
        assertEquals("FAILED", done.getString("state"));
        assertEquals(1, done.getInt("attempts"));
        assertFalse(done.containsKey("result"), done.toString());
        JsonObject error = done.getJsonObject("error");
        assertEquals("EXECUTION", error.getString("kind"));
        assertTrue(error.getString("message").contains("after 1 attempt"), error.toString());
        // a second DELETE of a run that ended is a conflict, not a success
        Response again = resource.cancel("f-1");
        assertEquals(409, again.getStatus());
        assertTrue(json(again).getString("error").contains("FAILED"), json(again).toString());
    }

    @Test
    void nonFiniteNumbersInAResultAreDescribedAsStringsNotA500() throws Exception {
        assertEquals(202, resource.submit("{\"id\": \"n-1\", \"name\": \"not-a-number\"}").getStatus());
        assertEquals(202, resource.submit("{\"id\": \"n-2\", \"name\": \"infinite\"}").getStatus());
        JsonObject nan = awaitFinal("n-1");
        assertEquals("SUCCEEDED", nan.getString("state"), nan.toString());
        assertEquals("NaN", nan.getString("result"));
        assertEquals("-Infinity", awaitFinal("n-2").getString("result"));
    }

    @Test
    void badJsonIs400WithTheJsonPathAndNothingIsQueued() {
        Response r = resource.submit("{\"id\": \"b-1\", \"name\": \"echo\", \"colour\": 1}");
        assertEquals(400, r.getStatus());
        assertEquals("$.colour", json(r).getString("path"));
        assertEquals(404, resource.get("b-1").getStatus());
    }

    @Test
    void unknownActionIs404AndAMissingRoleIs403() {
        Response unknown = resource.submit("{\"id\": \"u-1\", \"name\": \"no-such\"}");
        assertEquals(404, unknown.getStatus());
        assertEquals("ROUTING", json(unknown).getString("kind"));
        Response forbidden = resource.submit("{\"id\": \"r-1\", \"name\": \"echo\", \"metadata\": {\"requiredRole\": \"admin\"}}");
        assertEquals(403, forbidden.getStatus());
        assertEquals("LICENSE", json(forbidden).getString("kind"));
        assertEquals(404, resource.get("r-1").getStatus());
    }

    @Test
    void aFullQueueIs503WithAJsonBody() {
        EchoActions full = new EchoActions() {
            @Override
            public ActionRun submit(Action action, Predicate<String> callerHasRole) {
                throw new ActionQueue.QueueFullException("the action queue is full (10000 actions)");
            }
        };
        Response r = resource(full, Set.of()).submit("{\"id\": \"q-1\", \"name\": \"echo\"}");
        assertEquals(503, r.getStatus());
        JsonObject body = json(r);
        assertEquals(503, body.getInt("status"));
        assertTrue(body.getString("error").contains("full"), body.toString());
    }
}
