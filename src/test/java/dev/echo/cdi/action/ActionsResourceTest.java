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

import dev.echo.testing.Await;
import java.time.Duration;
import java.util.List;

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

    /** Submits as {@code as}, expects 202, and gives the id the server assigned. */
    private static String accepted(ActionsResource as, String body) {
        Response r = as.submit(body);
        assertEquals(202, r.getStatus(), () -> json(r).toString());
        return json(r).getString("id");
    }

    /** Polls GET until the run has a final state (a run's state is not announced by any event). */
    private JsonObject awaitFinal(String id) throws Exception {
        return awaitFinalAs(resource, id);
    }

    @Test
    void anAcceptedActionAnswers202WithItsIdAndLocation() {
        Response r = resource.submit("{\"name\": \"echo\", \"content\": 3}");
        assertEquals(202, r.getStatus());
        String id = json(r).getString("id");
        assertEquals(4, java.util.UUID.fromString(id).version(), "an unguessable id the server chose: " + id);
        assertEquals("http://localhost/app/api/actions/" + id, r.getLocation().toString());
        assertEquals(r.getLocation().toString(), json(r).getString("location"));
        assertNotEquals(id, json(resource.submit("{\"name\": \"echo\", \"content\": 3}")).getString("id"), "each run its own");
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
        String id;
        try (dev.echo.testing.LogCapture log = dev.echo.testing.LogCapture.of(dev.echo.action.Sequence.class,
                java.util.logging.Level.INFO)) {
            id = accepted(resource, "{\"name\": \"fails\"}");
            done = awaitFinal(id);
            assertTrue(log.records().stream().anyMatch(r -> r.getMessage().contains(id) && r.getThrown() != null
                    && "boom".equals(r.getThrown().getMessage())), "the detail is logged under the run's id");
        }
        assertFalse(done.toString().contains("boom"), "the application's exception text stays in the log: " + done);
        assertEquals(id, done.getJsonObject("error").getString("correlationId"));
        assertEquals("FAILED", done.getString("state"));
        assertEquals(1, done.getInt("attempts"));
        assertFalse(done.containsKey("result"), done.toString());
        JsonObject error = done.getJsonObject("error");
        assertEquals("EXECUTION", error.getString("kind"));
        assertTrue(error.getString("message").contains("after 1 attempt"), error.toString());
        // a second DELETE of a run that ended is a conflict, not a success
        Response again = resource.cancel(id);
        assertEquals(409, again.getStatus());
        assertTrue(json(again).getString("error").contains("FAILED"), json(again).toString());
    }

    @Test
    void aFunctionWhoseCircuitBreakerIsOpenEndsFailedWithKindCircuitOpenNamingTheBreaker() throws Exception {
        String id = accepted(resource, "{\"name\": \"breaker-open\", \"metadata\": {\"retry\": {\"maxAttempts\": 2,"
                + " \"initialDelay\": 1, \"maxDelay\": 1}}}");
        JsonObject done = awaitFinal(id);
        assertEquals("FAILED", done.getString("state"));
        assertEquals(2, done.getInt("attempts"), "the action's retry policy applied first");
        JsonObject error = done.getJsonObject("error");
        assertEquals("CIRCUIT_OPEN", error.getString("kind"), done.toString());
        assertEquals("breaker-open", error.getString("circuitBreaker"));
        assertTrue(error.getString("message").contains("circuit breaker of action 'breaker-open' was open on the last of 2 attempt(s)"),
                error.toString());
        assertFalse(done.toString().contains("Secret"), "the exception's text stays in the log: " + done);
        assertTrue(EchoActions.isCircuitBreakerOpen(new org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException() {
        }), "a subclass counts");
        assertFalse(EchoActions.isCircuitBreakerOpen(new IllegalStateException()));
        assertFalse(EchoActions.isCircuitBreakerOpen(null));
    }

    @Test
    void nonFiniteNumbersInAResultAreDescribedAsStringsNotA500() throws Exception {
        String notANumber = accepted(resource, "{\"name\": \"not-a-number\"}");
        String infinite = accepted(resource, "{\"name\": \"infinite\"}");
        JsonObject nan = awaitFinal(notANumber);
        assertEquals("SUCCEEDED", nan.getString("state"), nan.toString());
        assertEquals("NaN", nan.getString("result"));
        assertEquals("-Infinity", awaitFinal(infinite).getString("result"));
    }

    @Test
    void badJsonIs400WithTheJsonPathAndNothingIsQueued() {
        EchoActions actions = container.select(EchoActions.class).get();
        for (String[] c : new String[][]{{"{\"name\": \"echo\", \"colour\": 1}", "$.colour"},
                {"{\"id\": \"mine\", \"name\": \"echo\"}", "$.id"},
                {"{\"name\": \"echo\", \"metadata\": {\"requiredRole\": \"x\"}}", "$.metadata.requiredRole"}}) {
            Response r = resource.submit(c[0]);
            assertEquals(400, r.getStatus(), c[0]);
            assertEquals(c[1], json(r).getString("path"));
            assertTrue(json(r).getString("error").contains("unknown field"), json(r).toString());
        }
        assertEquals(0, actions.kept(), "nothing was queued");
    }

    @Test
    void unknownActionIs404AndAMissingRoleIs403() {
        Response unknown = resource.submit("{\"name\": \"no-such\"}");
        assertEquals(404, unknown.getStatus());
        assertEquals("ROUTING", json(unknown).getString("kind"));
        Response forbidden = resource.submit("{\"name\": \"admin-only\"}");
        assertEquals(403, forbidden.getStatus());
        assertEquals("LICENSE", json(forbidden).getString("kind"));
        assertEquals(0, container.select(EchoActions.class).get().kept(), "nothing was queued");
    }

    @Test
    void aFullOrUnreachableQueueIs503WithAFixedMessageAndACorrelationIdNotTheProvidersWords() {
        String provider = "CWSIK0025E: The destination EchoActions on messaging engine defaultME is not available"
                + " because the high limit for the number of messages for this destination has already been reached;"
                + " com.ibm.ws.sib.processor.impl.ProducerSessionImpl at 127.0.0.1:7276";
        for (RuntimeException thrown : List.of(
                new ActionQueue.QueueFullException("the action queue is full", new IllegalStateException(provider)),
                new ActionQueue.QueueUnavailableException("the action queue could not take action x now",
                        new IllegalStateException(provider)))) {
            EchoActions failing = new EchoActions() {
                @Override
                public Accepted acceptAs(Action action, String principalName, Predicate<String> callerHasRole) {
                    throw thrown;
                }
            };
            try (var log = dev.echo.testing.LogCapture.of(ActionsResource.class, java.util.logging.Level.WARNING)) {
                Response r = resource(failing, null, Set.of()).submit("{\"name\": \"echo\"}"); // anonymous, too
                assertEquals(503, r.getStatus());
                JsonObject body = json(r);
                assertEquals(503, body.getInt("status"));
                String text = body.toString();
                for (String internal : List.of("CWSIK", "com.ibm", "127.0.0.1", "EchoActions", "Exception")) {
                    assertFalse(text.contains(internal), "no provider words in the body (" + internal + "): " + text);
                }
                String correlation = body.getString("correlationId");
                assertTrue(log.records().stream().anyMatch(rec -> rec.getMessage().contains(correlation)
                        && rec.getThrown() != null && rec.getThrown().getCause().getMessage().contains("CWSIK0025E")),
                        "the log has the provider's words under the body's id");
            }
        }
    }

    @Test
    void aRunBelongsToItsSubmitterAnyoneElseGets404AsIfItDidNotExist() throws Exception {
        EchoActions actions = container.select(EchoActions.class).get();
        String id = accepted(resource, "{\"name\": \"echo\", \"content\": 1}");
        assertEquals("SUCCEEDED", awaitFinal(id).getString("state"));
        for (ActionsResource other : new ActionsResource[]{resource(actions, "bob", Set.of("orders")),
                resource(actions, null, Set.of())}) {
            for (Response r : new Response[]{other.get(id), other.cancel(id)}) {
                assertEquals(404, r.getStatus());
                assertEquals(json(resource.get("nope")).getString("error").replace("nope", id), json(r).getString("error"),
                        "the same answer as for an id that does not exist");
            }
        }
        assertEquals(200, resource.get(id).getStatus(), "alice still finds her run");
        assertTrue(actions.find(id).isPresent(), "the application's own code sees every run");
    }

    @Test
    void anIdempotencyKeyIsTheCallersOwn() throws Exception {
        EchoActions actions = container.select(EchoActions.class).get();
        String json = "{\"name\": \"echo\", \"content\": \"%s\", \"metadata\": {\"idempotencyKey\": \"k-7\"}}";
        String alices = accepted(resource, json.formatted("a"));
        Response again = resource.submit(json.formatted("a"));
        assertEquals(200, again.getStatus(), "the same caller with the same key gets its first run back");
        assertEquals(alices, json(again).getString("id"));
        assertEquals(1, actions.kept(), "no second run");
        ActionsResource bob = resource(actions, "bob", Set.of());
        String bobs = accepted(bob, json.formatted("b"));
        assertNotEquals(alices, bobs, "another caller with the key gets its own run");
        assertEquals("b", awaitFinalAs(bob, bobs).getString("result"));
        assertEquals("a", awaitFinal(alices).getString("result"));
        // anonymous callers all look alike: a key deduplicates nothing for them
        ActionsResource anonymous = resource(actions, null, Set.of());
        String anon1 = accepted(anonymous, json.formatted("x"));
        String anon2 = accepted(anonymous, json.formatted("x"));
        assertNotEquals(anon1, anon2);
        assertTrue(actions.find(anon1).isPresent() && actions.find(anon2).isPresent());
    }

    @Test
    void anIdTheApplicationsCodeReusesIsRefusedAndTheFirstRunIsUntouched() throws Exception {
        // only code chooses ids (a request cannot): a second action with a kept run's id is not accepted
        EchoActions actions = container.select(EchoActions.class).get();
        ActionRun first = actions.submit(new Action("same", "echo", "first", dev.echo.task.Priority.NORMAL, null), role -> true);
        EchoActions.IdInUseException taken = assertThrows(EchoActions.IdInUseException.class, () -> actions.submit(
                new Action("same", "echo", "second", dev.echo.task.Priority.NORMAL, null), role -> true));
        assertTrue(taken.getMessage().contains("'same'"), taken.getMessage());
        assertEquals("first", first.completion().get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, actions.kept());
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
    void aBodyDeclaredTooLongIs413BeforeAByteIsRead() {
        ActionsResource r = resource(container.select(EchoActions.class).get(), "alice", Set.of("orders"));
        r.headers = (jakarta.ws.rs.core.HttpHeaders) Proxy.newProxyInstance(ActionsResourceTest.class.getClassLoader(),
                new Class<?>[]{jakarta.ws.rs.core.HttpHeaders.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getLength")) {
                        return ActionsResource.MAX_BODY_BYTES + 1;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        java.io.InputStream untouchable = new java.io.InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body was read");
            }
        };
        Response response = r.submit(untouchable);
        assertEquals(413, response.getStatus());
        assertEquals("$", json(response).getString("path"));
    }

    @Test
    void aBodyThatIsNotUtf8Is400() throws Exception {
        Response r = resource.submit(new java.io.ByteArrayInputStream(new byte[]{'{', (byte) 0xC3, (byte) 0x28, '}'}));
        assertEquals(400, r.getStatus());
        assertEquals("the body is not UTF-8", json(r).getString("error"));
        assertEquals(202, resource.submit(new java.io.ByteArrayInputStream(
                "{\"name\": \"echo\", \"content\": \"\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .getStatus(), "a UTF-8 body through the same path");
        assertEquals("\u00e9", awaitFinal(container.select(EchoActions.class).get().keptIds().get(0)).getString("result"));
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
            Response r = resource(broken, "alice", Set.of()).submit("{\"name\": \"echo\"}");
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
        Response r = resource.submit("{\"name\": \"echo\", \"metadata\": {\"hooks\": {\"after\": [\"nope\"]}}}");
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
        String ok = accepted(alice, "{\"name\": \"orders-only\", \"metadata\": {\"hooks\": {\"after\": [\"open-audit\"]},"
                + " \"next\": [{\"name\": \"open\"}]}}");
        assertEquals("orders", awaitFinal(ok).getString("result"));
        assertEquals("open", awaitFinal(ok + ":open").getString("result"), "the chained run is alice's too");
        assertEquals(3, PolicyActions.RUNS.get(), "function, hook and chained action ran once each");
        assertEquals(202, bob.submit("{\"name\": \"open\"}").getStatus(), "@PermitAll on the method beats the class");
        assertEquals(202, anonymous.submit("{\"name\": \"open\"}").getStatus(), "@PermitAll admits anonymous callers");
        // from code, the application runs what it likes: the annotations govern HTTP callers
        assertEquals("undeclared", actions.submit(ActionJson.read("{\"name\": \"undeclared\"}"), role -> false)
                .completion().get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void keptRunsAreCappedInEstimatedBytesTheirResultsIncluded() throws Exception {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_BYTES, "100000");
        System.setProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT, "100ms"); // forgotten runs are still delayed
        try (var capped = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            EchoActions actions = capped.select(EchoActions.class).get();
            ActionsResource r = resource(actions, "alice", Set.of());
            String delayed = "{\"name\": \"echo\", \"content\": \"%s\", \"metadata\": {\"delay\": 60000}}";
            // each about 40 KB (two bytes per character of its JSON): two live runs fit, a third does not
            String a = accepted(r, delayed.formatted("a".repeat(20_000)));
            String b = accepted(r, delayed.formatted("b".repeat(20_000)));
            assertTrue(actions.keptBytes() > 80_000 && actions.keptBytes() <= 100_000, "two runs: " + actions.keptBytes());
            Response full = r.submit(delayed.formatted("c".repeat(20_000)));
            assertEquals(429, full.getStatus(), "live runs are never forgotten, so their memory is bounded at admission");
            assertEquals("echo.actions.kept-bytes", json(full).getString("limit"));
            assertEquals(java.util.List.of(a, b), actions.keptIds());
            // once they are final, the oldest is forgotten first to make room
            r.cancel(a);
            r.cancel(b);
            awaitFinalAs(r, b);
            String c = accepted(r, delayed.formatted("c".repeat(20_000)));
            assertEquals(java.util.List.of(b, c), actions.keptIds(), "the oldest final run is forgotten first");
            assertEquals(404, r.get(a).getStatus());
            assertTrue(actions.keptBytes() <= 100_000, actions.keptBytes() + " bytes");
            r.cancel(c);
            awaitFinalAs(r, c);
            // a result counts too: 50 KB of action and 50 KB of result leave room for nothing else
            String e = accepted(r, "{\"name\": \"echo\", \"content\": \"%s\"}".formatted("e".repeat(25_000)));
            dev.echo.testing.Await.until(() -> actions.keptIds().equals(java.util.List.of(e)), Duration.ofSeconds(10),
                    () -> "only the newest, heaviest run is kept: " + actions.keptIds() + ", " + actions.keptBytes() + " bytes");
            assertTrue(actions.keptBytes() > 100_000, "the newest run stays even alone over the cap: " + actions.keptBytes());
            assertEquals("e".repeat(25_000), awaitFinalAs(r, e).getString("result"));
        } finally {
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_BYTES);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT);
        }
    }

    @Test
    void theFanOutOfOneStepIsCappedByTheApplication() throws Exception {
        String next = "{\"name\": \"echo\"}";
        java.util.function.IntFunction<String> wide = n -> "{\"name\": \"echo\", \"metadata\": {\"next\": ["
                + String.join(", ", java.util.Collections.nCopies(n, next)) + "]}}";
        EchoActions actions = container.select(EchoActions.class).get();
        Response tooWide = resource.submit(wide.apply(33));
        assertEquals(400, tooWide.getStatus());
        assertEquals("$.metadata.next", json(tooWide).getString("path"));
        assertTrue(json(tooWide).getString("error").contains("at most 32 (echo.actions.max-next)"), json(tooWide).toString());
        assertEquals(0, actions.kept(), "nothing queued");
        String ok = accepted(resource, wide.apply(32));
        assertEquals("SUCCEEDED", awaitFinal(ok).getString("state"), "the default allows 32");
        // 32 chained runs of one name: each its own id, each found
        assertEquals("SUCCEEDED", awaitFinal(ok + ":echo").getString("state"));
        for (int i = 2; i <= 32; i++) {
            assertEquals("SUCCEEDED", awaitFinal(ok + ":echo@" + i).getString("state"), "the " + i + "th");
        }
        assertEquals(33, actions.kept(), "no chained run replaced another");
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_NEXT, "1");
        try (var capped = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            EchoActions cappedActions = capped.select(EchoActions.class).get();
            ActionsResource r = resource(cappedActions, "alice", Set.of());
            Response deep = r.submit("{\"name\": \"echo\", \"metadata\": {\"next\": [{\"name\": \"echo\", \"metadata\":"
                    + " {\"next\": [" + next + ", " + next + "]}}]}}");
            assertEquals(400, deep.getStatus());
            assertEquals("$.metadata.next[0].metadata.next", json(deep).getString("path"), "each step of the chain counts");
            assertEquals(0, cappedActions.kept(), "nothing queued");
            accepted(r, wide.apply(1));
        } finally {
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_NEXT);
        }
    }

    @Test
    void aSubmissionWhoseWorstCaseIsOverTheBudgetIs400AndNothingRuns() throws Exception {
        ResultActions.FAILS.set(0);
        EchoActions actions = container.select(EchoActions.class).get();
        String leaf = "{\"name\": \"fails\", \"metadata\": {\"retry\": {\"maxAttempts\": 10}}}";
        String middle = "{\"name\": \"echo\", \"metadata\": {\"retry\": {\"maxAttempts\": 10}, \"next\": ["
                + String.join(", ", java.util.Collections.nCopies(3, leaf)) + "]}}";
        String wide = "{\"name\": \"echo\", \"metadata\": {\"retry\": {\"maxAttempts\": 10}, \"next\": ["
                + String.join(", ", java.util.Collections.nCopies(32, middle)) + "]}}";
        Response r = resource.submit(wide);
        assertEquals(400, r.getStatus(), r.getEntity().toString());
        assertEquals("$", json(r).getString("path"));
        assertTrue(json(r).getString("error").contains("up to 1290 function and hook invocations")
                && json(r).getString("error").contains("at most 1000 (echo.actions.max-work)"), json(r).toString());
        // a retry that parks work for a year is as much a delay as a delay
        Response year = resource.submit("{\"name\": \"fails\", \"metadata\": {\"retry\": {\"maxAttempts\": 3,"
                + " \"initialDelay\": 31536000000}}}");
        assertEquals(400, year.getStatus());
        assertEquals("$.metadata.retry.initialDelay", json(year).getString("path"));
        Response attempts = resource.submit("{\"name\": \"fails\", \"metadata\": {\"retry\": {\"maxAttempts\": 11}}}");
        assertEquals(400, attempts.getStatus());
        assertEquals("$.metadata.retry.maxAttempts", json(attempts).getString("path"));
        assertEquals(0, actions.kept(), "nothing queued");
        assertEquals(0, ResultActions.FAILS.get(), "nothing ran");
        String ten = accepted(resource, "{\"name\": \"fails\", \"metadata\": {\"retry\": {\"maxAttempts\": 10}}}");
        assertEquals("FAILED", awaitFinal(ten).getString("state"));
        assertEquals(10, ResultActions.FAILS.get(), "ten attempts are within the default");
    }

    @Test
    void aCallersLiveRunIsNeverForgottenAndLiveRunsAreCappedPerCallerWith429() throws Exception {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_RUNS, "20");
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE_PER_CALLER, "25");
        System.setProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT, "100ms");
        try (var capped = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            EchoActions cappedActions = capped.select(EchoActions.class).get();
            ActionsResource alice = resource(cappedActions, "alice", Set.of());
            ActionsResource bob = resource(cappedActions, "bob", Set.of());
            String hers = accepted(alice, "{\"name\": \"echo\", \"metadata\": {\"delay\": 60000}}");
            // 26 of bob's runs, each done at once: more than kept-runs, and the review saw them push hers out
            for (int i = 0; i < 26; i++) {
                assertEquals("SUCCEEDED", awaitFinalAs(bob, accepted(bob, "{\"name\": \"echo\", \"content\": " + i + "}"))
                        .getString("state"));
            }
            assertEquals(200, alice.get(hers).getStatus(), "her live run is still hers to read");
            // bob's live runs: 25 are accepted, the 26th is a 429 naming the limit, with Retry-After
            List<String> his = new java.util.ArrayList<>();
            for (int i = 0; i < 25; i++) {
                his.add(accepted(bob, "{\"name\": \"echo\", \"metadata\": {\"delay\": 60000}}"));
            }
            long keptBefore = cappedActions.kept();
            Response over = bob.submit("{\"name\": \"echo\", \"metadata\": {\"delay\": 60000}}");
            assertEquals(429, over.getStatus(), json(over).toString());
            assertEquals("5", String.valueOf(over.getHeaderString("Retry-After")));
            assertEquals("echo.actions.max-live-per-caller", json(over).getString("limit"));
            assertEquals(5, json(over).getInt("retryAfterSeconds"));
            assertEquals(keptBefore, cappedActions.kept(), "nothing of the refused submission was kept");
            // the limit is bob's: alice may still submit, and still read and cancel her first run
            accepted(alice, "{\"name\": \"echo\"}");
            assertEquals(200, alice.get(hers).getStatus());
            Response cancelled = alice.cancel(hers);
            assertEquals(200, cancelled.getStatus(), "and cancel it");
            assertEquals("CANCELLED", json(cancelled).getString("state"));
            // final now, and over kept-runs (bob's 25 live runs fill it): the one kind of run that is forgotten
            Await.value(() -> alice.get(hers).getStatus(), st -> st == 404, Duration.ofSeconds(10), "a final run over the cap goes");
            // one of bob's ends: he has room for one more
            assertEquals(200, bob.cancel(his.get(0)).getStatus());
            Await.value(() -> bob.submit("{\"name\": \"echo\", \"metadata\": {\"delay\": 60000}}"), rs -> rs.getStatus() == 202,
                    Duration.ofSeconds(10), "room for one more once one of his ended");
            for (String id : his) {
                bob.cancel(id);
            }
        } finally {
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_RUNS);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE_PER_CALLER);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT);
        }
    }

    @Test
    void theApplicationsOwnSubmissionsAreCappedByMaxLiveAndByTheMemoryOfLiveActions() throws Exception {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE, "3");
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_BYTES, "20000");
        System.setProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT, "100ms");
        try (var capped = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            EchoActions a = capped.select(EchoActions.class).get();
            java.util.function.Function<String, dev.echo.action.Action> delayed = content -> new dev.echo.action.Action(
                    java.util.UUID.randomUUID().toString(), "echo", content, dev.echo.task.Priority.NORMAL,
                    new dev.echo.action.Action.Metadata(Duration.ofMinutes(1), null, null, null, null, null, null, null));
            List<dev.echo.action.ActionRun> runs = new java.util.ArrayList<>();
            runs.add(a.submit(delayed.apply("x".repeat(4000)), role -> true)); // about 8 KB estimated
            TooManyLiveRunsException heavy = assertThrows(TooManyLiveRunsException.class,
                    () -> a.submit(delayed.apply("y".repeat(6000)), role -> true)); // 8 + 12 KB > 20,000 bytes
            assertEquals("echo.actions.kept-bytes", heavy.limit(), heavy.getMessage());
            runs.add(a.submit(delayed.apply("small"), role -> true));
            runs.add(a.submit(delayed.apply("small"), role -> true));
            TooManyLiveRunsException many = assertThrows(TooManyLiveRunsException.class,
                    () -> a.submit(delayed.apply("small"), role -> true));
            assertEquals("echo.actions.max-live", many.limit());
            runs.get(1).cancel();
            Await.value(() -> runs.get(1).completion().isDone(), d -> d, Duration.ofSeconds(10), "cancelled");
            runs.add(a.submit(delayed.apply("small"), role -> true)); // a run ended: room again
            runs.forEach(dev.echo.action.ActionRun::cancel);
        } finally {
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_BYTES);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT);
        }
    }

    @Test
    void contentThatCannotBeBoundLeavesOneLogLineWithItsControlCharactersEscaped() throws Exception {
        String forged = "[12/7/26 10:00:00:000 UTC] 00000042 com.ibm.ws.security  A FORGED: admin logged in";
        try (var log = dev.echo.testing.LogCapture.of(dev.echo.action.Sequence.class, java.util.logging.Level.INFO)) {
            String id = accepted(resource, "{\"name\": \"quote\", \"content\": \"1\\n" + forged + "\\r\\n\"}");
            assertEquals("FAILED", awaitFinal(id).getString("state"));
            java.util.logging.LogRecord r = log.records().stream().filter(x -> x.getMessage().contains(id)).findFirst()
                    .orElseThrow(() -> new AssertionError("the failure is logged under the run's id"));
            String logged = new java.util.logging.SimpleFormatter().format(r);
            assertTrue(logged.contains("FORGED"), "the content is in the log, as the cause of the failure: " + logged);
            for (String line : logged.split("\n")) {
                assertFalse(line.startsWith("[12/7/26"), "no line of the log is the caller's:\n" + logged);
            }
            assertTrue(logged.contains("\\n[12/7/26"), "the line break is shown escaped: " + logged);
        }
    }

    @Test
    void theApplicationCapsDelaysAndKeptRuns() throws Exception {
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_DELAY, "PT1M");
        System.setProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_RUNS, "2");
        System.setProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT, "100ms"); // the forgotten run is still delayed
        try (var capped = dev.echo.cdi.EchoWeld.with(ResultActions.class).initialize()) {
            EchoActions cappedActions = capped.select(EchoActions.class).get();
            ActionsResource r = resource(cappedActions, "alice", Set.of());
            Response late = r.submit("{\"name\": \"echo\", \"metadata\": {\"delay\": 60001}}");
            assertEquals(400, late.getStatus());
            assertEquals("$.metadata.delay", json(late).getString("path"));
            assertTrue(json(late).getString("error").contains("echo.actions.max-delay"), json(late).toString());
            Response lateChained = r.submit("{\"name\": \"echo\", \"metadata\": {\"next\": [{\"name\": \"echo\"},"
                    + " {\"name\": \"echo\", \"metadata\": {\"delay\": 3600000}}]}}");
            assertEquals(400, lateChained.getStatus());
            assertEquals("$.metadata.next[1].metadata.delay", json(lateChained).getString("path"));
            assertEquals(0, cappedActions.kept(), "nothing queued");
            // at the cap is fine; three live runs are all kept (a live run is never forgotten)
            String[] ids = new String[3];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = accepted(r, "{\"name\": \"echo\", \"metadata\": {\"delay\": 60000}}");
            }
            for (String id : ids) {
                assertEquals(200, r.get(id).getStatus(), "a live run stays readable over kept-runs");
            }
            for (String id : ids) {
                assertEquals(200, r.cancel(id).getStatus(), "and cancellable");
            }
            // once final, only the two latest runs are kept
            Await.value(() -> r.get(ids[0]).getStatus(), s -> s == 404, Duration.ofSeconds(10), "the oldest final run is forgotten");
            assertEquals(200, r.get(ids[1]).getStatus());
            assertEquals(200, r.get(ids[2]).getStatus());
        } finally {
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_DELAY);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_RUNS);
            System.clearProperty(dev.echo.cdi.config.EchoConfig.STOP_TIMEOUT);
        }
    }
}
