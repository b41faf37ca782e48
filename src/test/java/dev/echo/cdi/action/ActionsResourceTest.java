package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.ActionQueue;
import dev.echo.action.ActionRun;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
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
        container = dev.echo.cdi.EchoWeld.with(ResultActions.class, PolicyActions.class, UndeclaredActions.class).initialize();
        resource = resource(container.select(EchoActions.class).get(), "alice", Set.of("orders"));
    }

    @AfterEach
    void stop() {
        container.close();
        System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_REST_ENABLED);
    }

    @Test
    void closedUnlessTheApplicationOpensItEveryRequestIsA404() {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_REST_ENABLED, "false");
        try (var closed = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            ActionsResource r = resource(closed.select(EchoActions.class).get(), "alice", Set.of("orders"));
            for (org.junit.jupiter.api.function.Executable call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> r.submit("{\"name\": \"echo\"}"), () -> r.get("x"), () -> r.cancel("x"))) {
                assertEquals(404, assertThrows(jakarta.ws.rs.NotFoundException.class, call).getResponse().getStatus());
            }
        }
    }

    /** The resource as {@code user} ({@code null}: anonymous) holding {@code roles} sees it. */
    private static ActionsResource resource(EchoActions actions, String user, Set<String> roles) {
        ActionsResource r = new ActionsResource();
        r.actions = actions;
        r.security = (SecurityContext) Proxy.newProxyInstance(ActionsResourceTest.class.getClassLoader(),
                new Class<?>[]{SecurityContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isUserInRole" -> roles.contains((String) args[0]);
                    case "getUserPrincipal" -> user == null ? null : (java.security.Principal) () -> user;
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
        return awaitFinalAs(resource, id);
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
        JsonObject done;
        try (dev.echo.testing.LogCapture log = dev.echo.testing.LogCapture.of(dev.echo.action.Sequence.class,
                java.util.logging.Level.INFO)) {
            assertEquals(202, resource.submit("{\"id\": \"f-1\", \"name\": \"fails\"}").getStatus());
            done = awaitFinal("f-1");
            assertTrue(log.records().stream().anyMatch(r -> r.getMessage().contains("f-1") && r.getThrown() != null
                    && "boom".equals(r.getThrown().getMessage())), "the detail is logged under the run's id");
        }
        assertFalse(done.toString().contains("boom"), "the application's exception text stays in the log: " + done);
        assertEquals("f-1", done.getJsonObject("error").getString("correlationId"));
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
        Response forbidden = resource.submit("{\"id\": \"r-1\", \"name\": \"admin-only\"}");
        assertEquals(403, forbidden.getStatus());
        assertEquals("LICENSE", json(forbidden).getString("kind"));
        assertEquals(404, resource.get("r-1").getStatus());
    }

    @Test
    void aFullQueueIs503WithAJsonBody() {
        EchoActions full = new EchoActions() {
            @Override
            public Submitted submitAs(Action action, String principalName, Predicate<String> callerHasRole) {
                throw new ActionQueue.QueueFullException("the action queue is full (10000 actions)");
            }
        };
        Response r = resource(full, "alice", Set.of()).submit("{\"id\": \"q-1\", \"name\": \"echo\"}");
        assertEquals(503, r.getStatus());
        JsonObject body = json(r);
        assertEquals(503, body.getInt("status"));
        assertTrue(body.getString("error").contains("full"), body.toString());
    }

    @Test
    void aRunBelongsToItsSubmitterAnyoneElseGets404AsIfItDidNotExist() throws Exception {
        EchoActions actions = container.select(EchoActions.class).get();
        assertEquals(202, resource.submit("{\"id\": \"o-1\", \"name\": \"echo\", \"content\": 1}").getStatus());
        assertEquals("SUCCEEDED", awaitFinal("o-1").getString("state"));
        for (ActionsResource other : new ActionsResource[]{resource(actions, "bob", Set.of("orders")),
                resource(actions, null, Set.of())}) {
            for (Response r : new Response[]{other.get("o-1"), other.cancel("o-1")}) {
                assertEquals(404, r.getStatus());
                assertEquals(json(resource.get("nope")).getString("error").replace("nope", "o-1"), json(r).getString("error"),
                        "the same answer as for an id that does not exist");
            }
        }
        assertEquals(200, resource.get("o-1").getStatus(), "alice still finds her run");
        assertTrue(actions.find("o-1").isPresent(), "the application's own code sees every run");
    }

    @Test
    void anIdempotencyKeyIsTheCallersOwn() throws Exception {
        EchoActions actions = container.select(EchoActions.class).get();
        String json = "{\"id\": \"%s\", \"name\": \"echo\", \"content\": \"%s\", \"metadata\": {\"idempotencyKey\": \"k-7\"}}";
        Response first = resource.submit(json.formatted("k-alice", "a"));
        assertEquals(202, first.getStatus());
        Response again = resource.submit(json.formatted("k-alice-again", "a"));
        assertEquals(200, again.getStatus(), "the same caller with the same key gets its first run back");
        assertEquals("k-alice", json(again).getString("id"));
        assertEquals(404, resource.get("k-alice-again").getStatus(), "no second run");
        ActionsResource bob = resource(actions, "bob", Set.of());
        Response bobs = bob.submit(json.formatted("k-bob", "b"));
        assertEquals(202, bobs.getStatus(), "another caller with the key gets its own run");
        assertEquals("k-bob", json(bobs).getString("id"));
        assertEquals("b", awaitFinalAs(bob, "k-bob").getString("result"));
        assertEquals("a", awaitFinal("k-alice").getString("result"));
        // anonymous callers all look alike: a key deduplicates nothing for them
        ActionsResource anonymous = resource(actions, null, Set.of());
        assertEquals(202, anonymous.submit(json.formatted("k-anon-1", "x")).getStatus());
        assertEquals(202, anonymous.submit(json.formatted("k-anon-2", "x")).getStatus());
        assertTrue(actions.find("k-anon-1").isPresent() && actions.find("k-anon-2").isPresent());
    }

    @Test
    void anIdAnotherRunAlreadyHasIs409AndTheFirstRunIsUntouched() throws Exception {
        EchoActions actions = container.select(EchoActions.class).get();
        assertEquals(202, resource.submit("{\"id\": \"same\", \"name\": \"echo\", \"content\": \"alice's\"}").getStatus());
        Response taken = resource(actions, "bob", Set.of()).submit("{\"id\": \"same\", \"name\": \"echo\", \"content\": \"bob's\"}");
        assertEquals(409, taken.getStatus());
        assertTrue(json(taken).getString("error").contains("'same'"), json(taken).toString());
        assertEquals("alice's", awaitFinal("same").getString("result"));
    }

    private static JsonObject awaitFinalAs(ActionsResource as, String id) throws Exception {
        return dev.echo.testing.Await.value(() -> json(as.get(id)),
                o -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(o.getString("state", "")), Duration.ofSeconds(10),
                "action " + id + " ends");
    }

    @Test
    void aBodyOverTheLimitIs413WithoutReadingTheRest() {
        java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
        java.io.InputStream endless = new java.io.InputStream() { // a client that never stops sending
            @Override
            public int read() {
                served.incrementAndGet();
                return ' ';
            }
        };
        Response r = resource.submit(endless);
        assertEquals(413, r.getStatus());
        assertEquals("$", json(r).getString("path"));
        assertTrue(served.get() <= ActionsResource.MAX_BODY_BYTES + 1, "read " + served.get() + " bytes");
    }

    @Test
    void aBodyThatIsNotUtf8Is400() throws Exception {
        Response r = resource.submit(new java.io.ByteArrayInputStream(new byte[]{'{', (byte) 0xC3, (byte) 0x28, '}'}));
        assertEquals(400, r.getStatus());
        assertEquals("the body is not UTF-8", json(r).getString("error"));
        assertEquals(202, resource.submit(new java.io.ByteArrayInputStream(
                "{\"id\": \"u8-1\", \"name\": \"echo\", \"content\": \"\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .getStatus(), "a UTF-8 body through the same path");
        assertEquals("\u00e9", awaitFinal("u8-1").getString("result"));
    }

    @Test
    void anUnexpectedFailureIs500WithACorrelationIdAndNoExceptionText() {
        EchoActions broken = new EchoActions() {
            @Override
            public Submitted submitAs(Action action, String principalName, Predicate<String> callerHasRole) {
                throw new IllegalStateException("secret detail of the application");
            }
        };
        try (dev.echo.testing.LogCapture log = dev.echo.testing.LogCapture.of(ActionsResource.class, java.util.logging.Level.WARNING)) {
            Response r = resource(broken, "alice", Set.of()).submit("{\"id\": \"e-1\", \"name\": \"echo\"}");
            assertEquals(500, r.getStatus());
            JsonObject body = json(r);
            assertFalse(body.toString().contains("secret"), body.toString());
            String correlation = body.getString("correlationId");
            assertTrue(log.messages(java.util.logging.Level.WARNING).stream().anyMatch(m -> m.contains(correlation)),
                    "the log carries the id: " + log.messages(java.util.logging.Level.WARNING));
        }
    }

    @Test
    void anUnknownActionOrHookIsNamedButThePlanIsNotListed() {
        Response r = resource.submit("{\"id\": \"h-1\", \"name\": \"echo\", \"metadata\": {\"hooks\": {\"after\": [\"nope\"]}}}");
        assertEquals(404, r.getStatus());
        String error = json(r).getString("error");
        assertTrue(error.contains("'nope'"), error);
        String missing = json(resource.submit("{\"name\": \"missing\"}")).getString("error");
        for (String name : new String[]{"fails", "echo", "infinite"}) {
            assertFalse(missing.contains(name), missing);
        }
    }

    @Test
    void whoMayRunWhatIsDeclaredOnTheServerAndCheckedForTheWholeChainBeforeAnythingRuns() throws Exception {
        EchoActions actions = container.select(EchoActions.class).get();
        ActionsResource alice = resource;                                  // role orders
        ActionsResource bob = resource(actions, "bob", Set.of());          // authenticated, no role
        ActionsResource anonymous = resource(actions, null, Set.of());
        PolicyActions.RUNS.set(0);
        String[][] refused = {   // caller, body: each 403, nothing runs
                {"bob", "{\"name\": \"orders-only\"}"},
                {"anonymous", "{\"name\": \"orders-only\"}"},
                {"alice", "{\"name\": \"admin-only\"}"},
                {"alice", "{\"name\": \"closed\"}"},
                {"alice", "{\"name\": \"undeclared\"}"},
                {"alice", "{\"name\": \"orders-only\", \"metadata\": {\"hooks\": {\"after\": [\"admin-audit\"]}}}"},
                {"alice", "{\"name\": \"orders-only\", \"metadata\": {\"hooks\": {\"before\": [\"undeclared-hook\"]}}}"},
                {"alice", "{\"name\": \"open\", \"metadata\": {\"next\": [{\"name\": \"orders-only\"}, {\"name\": \"admin-only\"}]}}"},
                {"anonymous", "{\"name\": \"open\", \"metadata\": {\"next\": [{\"name\": \"orders-only\"}]}}"},
        };
        for (String[] c : refused) {
            ActionsResource as = c[0].equals("alice") ? alice : c[0].equals("bob") ? bob : anonymous;
            Response r = as.submit(c[1]);
            assertEquals(403, r.getStatus(), c[0] + " " + c[1]);
            assertEquals("LICENSE", json(r).getString("kind"));
            assertFalse(json(r).getString("error").contains("admin\""), "the body does not tell which role would do");
        }
        assertEquals(0, PolicyActions.RUNS.get(), "nothing ran");
        // what is allowed runs, with its hooks and chain
        Response ok = alice.submit("{\"id\": \"p-1\", \"name\": \"orders-only\", \"metadata\": {\"hooks\": {\"after\": [\"open-audit\"]},"
                + " \"next\": [{\"name\": \"open\"}]}}");
        assertEquals(202, ok.getStatus(), json(ok).toString());
        assertEquals("orders", awaitFinal("p-1").getString("result"));
        assertEquals("open", awaitFinal("p-1:open").getString("result"), "the chained run is alice's too");
        assertEquals(3, PolicyActions.RUNS.get(), "function, hook and chained action ran once each");
        assertEquals(202, bob.submit("{\"id\": \"p-2\", \"name\": \"open\"}").getStatus(), "@PermitAll on the method beats the class");
        assertEquals(202, anonymous.submit("{\"id\": \"p-3\", \"name\": \"open\"}").getStatus(), "@PermitAll admits anonymous callers");
        // from code, the application runs what it likes: the annotations govern HTTP callers
        assertEquals("undeclared", actions.submit(ActionJson.read("{\"name\": \"undeclared\"}"), role -> false)
                .completion().get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void theApplicationCapsDelaysAndKeptRuns() throws Exception {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_DELAY, "PT1M");
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_RUNS, "2");
        try (var capped = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            ActionsResource r = resource(capped.select(EchoActions.class).get(), "alice", Set.of());
            Response late = r.submit("{\"id\": \"d-1\", \"name\": \"echo\", \"metadata\": {\"delay\": 60001}}");
            assertEquals(400, late.getStatus());
            assertEquals("$.metadata.delay", json(late).getString("path"));
            assertTrue(json(late).getString("error").contains("echo.actions.max-delay"), json(late).toString());
            Response lateChained = r.submit("{\"id\": \"d-2\", \"name\": \"echo\", \"metadata\": {\"next\": [{\"name\": \"echo\"},"
                    + " {\"name\": \"echo\", \"metadata\": {\"delay\": 3600000}}]}}");
            assertEquals(400, lateChained.getStatus());
            assertEquals("$.metadata.next[1].metadata.delay", json(lateChained).getString("path"));
            assertEquals(404, r.get("d-1").getStatus(), "nothing queued");
            assertEquals(404, r.get("d-2").getStatus(), "nothing queued");
            // at the cap is fine; only the two latest runs are kept
            for (String id : new String[]{"k-1", "k-2", "k-3"}) {
                assertEquals(202, r.submit("{\"id\": \"" + id + "\", \"name\": \"echo\", \"metadata\": {\"delay\": 60000}}")
                        .getStatus(), id);
            }
            assertEquals(404, r.get("k-1").getStatus(), "the oldest run is forgotten");
            assertEquals(200, r.get("k-2").getStatus());
            assertEquals(200, r.get("k-3").getStatus());
            r.cancel("k-2");
            r.cancel("k-3");
        } finally {
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_DELAY);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_RUNS);
        }
    }
}
