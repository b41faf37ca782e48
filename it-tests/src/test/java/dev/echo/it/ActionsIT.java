package dev.echo.it;

import dev.echo.it.support.WebXml;
import dev.echo.it.support.Http;
import dev.echo.it.support.Deployments;
import dev.echo.testing.Await;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty, over HTTP: the actions REST API end to end. */
@ExtendWith(ArquillianExtension.class)
class ActionsIT {

    private static final String WEB_XML = WebXml.basicAuth("""
            <security-role><role-name>orders</role-name></security-role>
            <env-entry>
              <env-entry-name>echo/greeting</env-entry-name>
              <env-entry-type>java.lang.String</env-entry-type>
              <env-entry-value>hello from java:comp/env</env-entry-value>
            </env-entry>""", "/api/actions/*", "/api/actions");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.withConfig("actions", "echo.workers=1\necho.max-workers=1\necho.actions.rest.enabled=true\n"
                        + "echo.actions.function.rate-limited.rate-limit=2/PT10S\n"
                        + "echo.actions.function.adaptive.timeout=adaptive\necho.actions.function.adaptive.timeout-window=20\n"
                        + "echo.actions.function.cached-quote.cache-for=PT1H\n", ItActions.class, ItUndeclaredActions.class,
                ItCallerBean.class, ItFtActions.class).setWebXML(new StringAsset(WEB_XML));
    }

    @ArquillianResource
    URL base;

    private HttpResponse<String> send(String method, String path, String body, String user) throws Exception {
        return Http.send(method, base + "api/actions" + path, body, user, user + "pwd");
    }

    /** Posts as {@code user}, expects 202, and gives the id the server assigned. */
    private String accepted(String body, String user) throws Exception {
        HttpResponse<String> r = send("POST", "", body, user);
        assertEquals(202, r.statusCode(), r.body());
        return r.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
    }

    /** Polls GET /actions/{id} as alice until the state is final. */
    private String awaitFinal(String id) throws Exception {
        return awaitFinal(id, "alice");
    }

    /** Polls GET /actions/{id} as its owner until the state is final. */
    private String awaitFinal(String id, String owner) throws Exception {
        return Await.value(() -> send("GET", "/" + id, null, owner).body(),
                body -> body.matches("(?s).*\"state\":\"(SUCCEEDED|FAILED|CANCELLED)\".*"), Duration.ofSeconds(30),
                "action " + id + " finishes");
    }

    private static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        String block = readme.substring(readme.indexOf("<!-- README-ACTION-EXAMPLE-START -->"),
                readme.indexOf("<!-- README-ACTION-EXAMPLE-END -->"));
        return block.substring(block.indexOf("```json") + 7, block.lastIndexOf("```")).strip();
    }

    @Test
    @RunAsClient
    void theReadmeExampleIsAcceptedAndRuns() throws Exception {
        HttpResponse<String> r = send("POST", "", readmeExample(), "alice");
        assertEquals(202, r.statusCode(), r.body());
        String id = r.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        assertEquals(4, java.util.UUID.fromString(id).version(), "a random id the server chose: " + r.body());
        assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/api/actions/" + id), r.headers().toString());
        String done = awaitFinal(id);
        assertTrue(done.contains("\"state\":\"SUCCEEDED\"") && done.contains("\"reserved\":\"A-1\""), done);
    }

    @Test
    @RunAsClient
    void faultToleranceAnnotationsOnAFunctionApplyWhenEchoRunsIt() throws Exception {
        // @CircuitBreaker: four failed runs open it; the fifth fails by kind, naming it, and the body is not called
        for (int i = 1; i <= 4; i++) {
            String failed = awaitFinal(accepted("{\"name\": \"ft-breaker\"}", "alice"));
            assertTrue(failed.contains("\"state\":\"FAILED\"") && failed.contains("\"kind\":\"EXECUTION\""), i + ": " + failed);
        }
        String open = awaitFinal(accepted("{\"name\": \"ft-breaker\"}", "alice"));
        assertTrue(open.contains("\"state\":\"FAILED\"") && open.contains("\"kind\":\"CIRCUIT_OPEN\"")
                && open.contains("\"circuitBreaker\":\"ft-breaker\""), open);
        String calls = awaitFinal(accepted("{\"name\": \"ft-breaker-calls\"}", "alice"));
        assertTrue(calls.contains("\"result\":4}"), "the open circuit did not call the body: " + calls);
        // @Retry: FT retries inside one Echo attempt
        String retried = awaitFinal(accepted("{\"name\": \"ft-retry\"}", "alice"));
        assertTrue(retried.contains("\"state\":\"SUCCEEDED\"") && retried.contains("ok on call 3")
                && retried.contains("\"attempts\":1"), retried);
        // @Fallback
        String fallback = awaitFinal(accepted("{\"name\": \"ft-fallback\"}", "alice"));
        assertTrue(fallback.contains("\"state\":\"SUCCEEDED\"") && fallback.contains("from the fallback"), fallback);
        // @Timeout: the call is interrupted at 300 ms and the run fails, long before the body's minute
        long start = System.nanoTime();
        String timedOut = awaitFinal(accepted("{\"name\": \"ft-timeout\"}", "alice"));
        assertTrue(timedOut.contains("\"state\":\"FAILED\"") && timedOut.contains("\"kind\":\"EXECUTION\""), timedOut);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "FT's timeout ended the call");
    }

    @Test
    @RunAsClient
    void aCallerOverAFunctionsRateLimitGets429WithRetryAfterAndNothingIsQueued() throws Exception {
        accepted("{\"name\": \"rate-limited\"}", "alice");
        accepted("{\"name\": \"rate-limited\"}", "alice");
        HttpResponse<String> over = send("POST", "", "{\"name\": \"rate-limited\"}", "alice");
        assertEquals(429, over.statusCode(), over.body());
        long retryAfter = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "whole seconds until one more fits (10 s / 2): " + retryAfter);
        assertTrue(over.body().contains("\"action\":\"rate-limited\"") && over.body().contains("\"limit\":\"2/PT10S\"")
                && over.body().contains("\"retryAfterSeconds\":" + retryAfter), over.body());
        accepted("{\"name\": \"rate-limited\"}", "bob"); // another caller is not affected
        Thread.sleep(retryAfter * 1000);
        accepted("{\"name\": \"rate-limited\"}", "alice"); // after the wait it names, one more fits
        String calls = awaitFinal(accepted("{\"name\": \"rate-limited-calls\"}", "alice"));
        assertTrue(calls.contains("\"result\":4}"), "the refused submission ran nothing: " + calls);
    }

    @Test
    @RunAsClient
    void anAdaptiveTimeoutLearnsFromFastAttemptsInterruptsASlowOneAndIsAGauge() throws Exception {
        // the deployment: echo.actions.function.adaptive.timeout=adaptive, window 20 (2 samples needed), 3 x p99 in [100 ms, 30 s]
        String before = awaitFinal(accepted("{\"name\": \"adaptive\"}", "alice"));
        assertTrue(before.contains("\"state\":\"SUCCEEDED\"") && before.contains("{\"attempt\":1,\"timeoutMillis\":30000}"),
                "before any sample the maximum applies: " + before);
        for (int i = 0; i < 20; i++) {
            awaitFinal(accepted("{\"name\": \"adaptive\"}", "alice"));
        }
        String slow = awaitFinal(accepted("{\"name\": \"adaptive\", \"content\": \"slow\"}", "alice"));
        assertTrue(slow.contains("\"state\":\"FAILED\"") && slow.contains("\"kind\":\"TIMEOUT\""), slow);
        long learned = Long.parseLong(slow.replaceAll("(?s).*\"timeoutMillis\":(\\d+).*", "$1"));
        assertTrue(learned >= 100 && learned < 30_000, "interrupted well before the 30 s maximum, after " + learned + " ms: " + slow);
        // a client's timeout above the server's is ignored, one below it applies
        String higher = awaitFinal(accepted("{\"name\": \"adaptive\", \"metadata\": {\"timeout\": 600000}}", "alice"));
        long applied = Long.parseLong(higher.replaceAll("(?s).*\"timeoutMillis\":(\\d+).*", "$1"));
        assertTrue(applied < 30_000, "a client cannot raise it: " + higher);
        String lower = awaitFinal(accepted("{\"name\": \"adaptive\", \"metadata\": {\"timeout\": 50}}", "alice"));
        assertTrue(lower.contains("\"timeoutMillis\":50}"), "a client may lower it: " + lower);
        // the gauge shows the current value (a success since may have moved it: it stays in the learned range)
        HttpResponse<String> metrics = Http.send("GET", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + "/metrics");
        java.util.regex.Matcher gauge = java.util.regex.Pattern.compile("(?m)^echo_action_timeout_seconds\\{[^}]*action=\"adaptive\"[^}]*\\} ([0-9.eE+-]+)")
                .matcher(metrics.body());
        assertTrue(gauge.find(), "no echo_action_timeout_seconds for adaptive in " + metrics.body().length() + " chars");
        double seconds = Double.parseDouble(gauge.group(1));
        assertTrue(seconds >= 0.1 && seconds < 30, "the gauge shows the learned value, not the maximum: " + seconds);
    }

    @Test
    @RunAsClient
    void aCachedResultIsServedToTheSameCallerForTheSameContentAndCounted() throws Exception {
        String ran = awaitFinal(accepted("{\"name\": \"cached-quote\", \"content\": {\"a\": 1, \"b\": 2}}", "alice"));
        assertTrue(ran.contains("\"state\":\"SUCCEEDED\"") && ran.contains("\"cached\":false"), ran);
        String quote = ran.replaceAll("(?s).*\"result\":\"([^\"]+)\".*", "$1");
        String hit = awaitFinal(accepted("{\"name\": \"cached-quote\", \"content\": {\"b\": 2, \"a\": 1.0}}", "alice"));
        assertTrue(hit.contains("\"cached\":true") && hit.contains("\"attempts\":0") && hit.contains(quote),
                "the same caller and content in another spelling get the kept result: " + hit);
        String bobs = awaitFinal(accepted("{\"name\": \"cached-quote\", \"content\": {\"a\": 1, \"b\": 2}}", "bob"), "bob");
        assertTrue(bobs.contains("\"cached\":false") && !bobs.contains(quote), "results never cross callers: " + bobs);
        HttpResponse<String> metrics = Http.send("GET", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + "/metrics");
        assertTrue(metrics.body().matches("(?s).*\\necho_action_cache_hits_total\\{[^}]*action=\"cached-quote\"[^}]*\\} 1\\.0.*"),
                "one hit counted");
        assertTrue(metrics.body().matches("(?s).*\\necho_action_cache_misses_total\\{[^}]*action=\"cached-quote\"[^}]*\\} 2\\.0.*"),
                "two misses counted");
    }

    /** How many times cached-quote was invoked (read through an action of its own). */
    private int quoteCalls() throws Exception {
        String body = awaitFinal(accepted("{\"name\": \"cached-quote-calls\"}", "alice"));
        assertTrue(body.contains("\"state\":\"SUCCEEDED\""), body);
        return Integer.parseInt(body.replaceAll("(?s).*\"result\":(\\d+).*", "$1"));
    }

    @Test
    @RunAsClient
    void nobodyCanAskForACachedResultOrATimeoutTheServerDidNotDeclare() throws Exception {
        int before = quoteCalls();
        String body = "{\"name\": \"cached-quote\", \"content\": {\"a\": 1}}";
        // anonymous: challenged, nothing runs, nothing is served
        assertEquals(401, Http.send("POST", base + "api/actions", body, null, null).statusCode());
        // a caller without the role of a function with a server timeout: 403, nothing runs
        HttpResponse<String> noRole = send("POST", "", "{\"name\": \"adaptive\"}", "bob");
        assertEquals(403, noRole.statusCode(), noRole.body());
        // a client cannot declare a result cached, a cache duration, or a timeout beyond what the REST budget allows
        String[][] cases = {
                {"{\"name\": \"cached-quote\", \"cached\": true}", "$.cached"},
                {"{\"name\": \"cached-quote\", \"metadata\": {\"cacheFor\": 3600000}}", "$.metadata.cacheFor"},
                {"{\"name\": \"cached-quote\", \"metadata\": {\"timeout\": 1e999}}", "$.metadata.timeout"},
                {"{\"name\": \"cached-quote\", \"metadata\": {\"timeout\": -1}}", "$.metadata.timeout"},
                {"{\"name\": \"cached-quote\", \"content\": {\"a\": 1, \"a\": 2}}", "$.content.a"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = send("POST", "", c[0], "alice");
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            assertTrue(r.body().contains("\"path\":\"" + c[1] + "\""), r.body());
        }
        assertEquals(before, quoteCalls(), "nothing ran");
    }

    @Test
    @RunAsClient
    void actionMetricsAreExportedPerActionName() throws Exception {
        awaitFinal(accepted("{\"name\": \"describe\", \"content\": 5}", "alice"));
        HttpResponse<String> metrics = Http.send("GET", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort()
                + "/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().matches("(?s).*echo_action_count_total\\{[^}]*action=\"describe\".*"),
                "no echo_action_count_total for describe in " + metrics.body().length() + " chars: "
                        + metrics.body().lines().filter(l -> l.contains("echo")).toList());
        assertTrue(metrics.body().contains("echo_action_duration_seconds"), metrics.body());
    }

    @Test
    @RunAsClient
    void aTypedParameterIsBoundWithJsonB() throws Exception {
        String id = accepted("{\"name\": \"order-total\", \"content\": {\"sku\": \"A-1\", \"qty\": 3, \"price\": 7}}",
                "alice");
        assertTrue(awaitFinal(id).contains("\"result\":21"), "JSON-B binding of a record parameter failed");
    }

    @Test
    @RunAsClient
    void aUserWithoutTheRoleGets403AndNothingIsQueued() throws Exception {
        int before = guardedRuns();
        HttpResponse<String> r = send("POST", "", "{\"name\": \"guarded\", \"content\": {}}", "bob");
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"kind\":\"LICENSE\"") && r.body().contains("'guarded'"), r.body());
        assertFalse(r.body().contains("orders"), "the body does not say which role would do: " + r.body());
        assertEquals(before, guardedRuns(), "nothing ran");
    }

    @Test
    @RunAsClient
    void badJsonAndUnknownActionsAreRejectedWithJsonErrors() throws Exception {
        int before = guardedRuns();
        for (String[] c : new String[][]{{"{\"name\": \"guarded\", \"colour\": 1}", "$.colour"},
                {"{\"id\": \"mine\", \"name\": \"guarded\"}", "$.id"},
                {"{\"name\": \"describe\", \"metadata\": {\"next\": [{\"id\": \"x\", \"name\": \"guarded\"}]}}",
                        "$.metadata.next[0].id"}}) {
            HttpResponse<String> bad = send("POST", "", c[0], "alice");
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("\"path\":\"" + c[1] + "\"") && bad.body().contains("unknown field"), bad.body());
        }
        HttpResponse<String> unknown = send("POST", "", "{\"name\": \"no-such-action\", \"metadata\": {\"next\": [{\"name\": \"guarded\"}]}}",
                "alice");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("\"kind\":\"ROUTING\""), unknown.body());
        assertEquals(before, guardedRuns(), "nothing was queued");
    }

    @Test
    @RunAsClient
    void aChainOfThreeFeedsEachResultToTheNext() throws Exception {
        String chain = "{\"name\": \"parse\", \"content\": \"21\", \"metadata\": {\"next\": ["
                + "{\"name\": \"double\", \"metadata\": {\"next\": [{\"name\": \"describe\"}]}}]}}";
        String id = accepted(chain, "alice");
        // each next action is started before its parent's result is visible
        awaitFinal(id);
        awaitFinal(id + ":double");
        String last = awaitFinal(id + ":double:describe");
        assertTrue(last.contains("\"result\":\"result=42\""), last);
    }

    @Test
    @RunAsClient
    void aRetriedActionSucceedsOnAttemptThree() throws Exception {
        String flaky = "{\"name\": \"flaky\", \"metadata\": {\"retry\": {\"maxAttempts\": 5,"
                + " \"initialDelay\": 20, \"maxDelay\": 100, \"multiplier\": 2.0}}}";
        String done = awaitFinal(accepted(flaky, "alice"));
        assertTrue(done.contains("\"state\":\"SUCCEEDED\"") && done.contains("\"attempts\":3")
                && done.contains("ok on attempt 3"), done);
    }

    @Test
    @RunAsClient
    void cancellingARunningActionInterruptsIt() throws Exception {
        String slow = accepted("{\"name\": \"slow\"}", "alice");
        Await.value(() -> send("GET", "/" + slow, null, "alice").body(), b -> b.contains("\"state\":\"RUNNING\""),
                Duration.ofSeconds(30), "the slow action runs");
        HttpResponse<String> cancel = send("DELETE", "/" + slow, null, "alice");
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertTrue(cancel.body().contains("\"state\":\"CANCELLED\""), cancel.body());
        assertEquals(409, send("DELETE", "/" + slow, null, "alice").statusCode(), "a second cancel");
        // the only worker is free again and the slow function saw the interrupt
        assertTrue(awaitFinal(accepted("{\"name\": \"was-interrupted\"}", "alice")).contains("\"result\":true"), "the running action was not interrupted");
    }

    @Test
    @RunAsClient
    void aDelayedActionHoldsNoWorker() throws Exception {
        // due in an hour: it cannot become due during the test, whatever the machine's load
        String delayed = accepted("{\"name\": \"now\", \"metadata\": {\"delay\": 3600000}}", "alice");
        // with echo.workers=1, this action runs only if the delayed one holds no worker
        assertTrue(awaitFinal(accepted("{\"name\": \"now\"}", "alice")).contains("\"state\":\"SUCCEEDED\""));
        assertTrue(send("GET", "/" + delayed, null, "alice").body().contains("\"state\":\"DELAYED\""));
        assertEquals(200, send("DELETE", "/" + delayed, null, "alice").statusCode());
    }

    @Test
    @RunAsClient
    void aDelayedActionRunsNoEarlierThanItsDelay() throws Exception {
        long posted = System.currentTimeMillis();
        String delayed = awaitFinal(accepted("{\"name\": \"now\", \"metadata\": {\"delay\": 1500}}", "alice"));
        long ranAt = Long.parseLong(delayed.replaceAll("(?s).*\"result\":(\\d+).*", "$1"));
        assertTrue(ranAt - posted >= 1500, "the delayed action ran early");
    }

    @Test
    @RunAsClient
    void aRunBelongsToItsSubmitterAnyoneElseGets404AndCancelsNothing() throws Exception {
        String owned = accepted("{\"name\": \"now\", \"metadata\": {\"delay\": 3600000}}", "alice");
        String unknown = send("GET", "/no-such-run", null, "bob").body();
        for (String method : new String[]{"GET", "DELETE"}) {
            HttpResponse<String> r = send(method, "/" + owned, null, "bob");
            assertEquals(404, r.statusCode(), method + " by bob: " + r.body());
            assertEquals(unknown.replace("no-such-run", owned), r.body(), "the same answer as for a run that does not exist");
            assertEquals(401, Http.send(method, base + "api/actions/" + owned).statusCode(), method + " anonymous");
        }
        assertTrue(send("GET", "/" + owned, null, "alice").body().contains("\"state\":\"DELAYED\""), "bob cancelled nothing");
        assertEquals(200, send("DELETE", "/" + owned, null, "alice").statusCode());
    }

    @Test
    @RunAsClient
    void anIdempotencyKeyIsScopedToTheCaller() throws Exception {
        String json = "{\"name\": \"describe\", \"content\": %d, \"metadata\": {\"idempotencyKey\": \"order-9\"}}";
        String alices = accepted(json.formatted(1), "alice");
        HttpResponse<String> again = send("POST", "", json.formatted(2), "alice");
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(again.body().contains("\"id\":\"" + alices + "\""), again.body());
        String bobs = accepted(json.formatted(3), "bob");
        assertNotEquals(alices, bobs, "bob's key is his own");
        assertTrue(awaitFinal(alices).contains("\"result\":\"result=1\""), "alice's first run, not her second content");
        assertTrue(Await.value(() -> send("GET", "/" + bobs, null, "bob").body(), b -> b.contains("\"state\":\"SUCCEEDED\""),
                Duration.ofSeconds(30), "bob's run ends").contains("\"result\":\"result=3\""));
    }

    @Test
    @RunAsClient
    void hostileBodiesAre4xxWithAJsonPathAndQueueNothing() throws Exception {
        int before = guardedRuns();
        String[][] cases = {
                {"{\"name\": \"guarded\", \"content\": 1, \"content\": 2}", "400", "$.content"},
                {"{\"name\": \"guarded\", \"content\": " + "9".repeat(2000) + "}", "400", "$.content"},
                {"{\"name\": \"guarded\", \"content\": 1e999999999}", "400", "$.content"},
                {"{\"name\": \"{x}\", \"content\": 1}", "400", "$.name"},
                {"{\"name\": \"guarded\", \"content\": \"" + "x".repeat(1_100_000) + "\"}", "413", "$"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = send("POST", "", c[0], "alice");
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
            assertTrue(r.body().contains("\"path\":\"" + c[2] + "\""), r.body());
        }
        assertEquals(before, guardedRuns(), "nothing was queued");
        HttpResponse<String> unknownHook = send("POST", "", "{\"name\": \"describe\", \"metadata\": {\"hooks\": {\"before\": [\"nope\"]}}}", "alice");
        assertEquals(404, unknownHook.statusCode());
        assertFalse(unknownHook.body().contains("reserve"), "the body does not list the application's actions: " + unknownHook.body());
    }

    /** The result of a finished run's body, which must be SUCCEEDED. */
    private static String result(String body) {
        assertTrue(body.contains("\"state\":\"SUCCEEDED\""), body);
        return body.replaceAll("(?s).*\"result\":\"([^\"]*)\".*", "$1");
    }

    /** What a run of {@code user} sees: Jakarta Security, the EJB container, java:comp, the class loader. */
    private static String seenBy(String user) {
        return user + "|" + user + "|hello from java:comp/env|true";
    }

    @Test
    @RunAsClient
    void functionsAndHooksRunAsTheirSubmitterAndAnEjbSeesThatCaller() throws Exception {
        // one worker: bob's and alice's runs take turns on the same thread
        for (String user : new String[]{"bob", "alice", "bob"}) {
            assertEquals(seenBy(user), result(awaitFinal(accepted("{\"name\": \"whoami\"}", user), user)));
        }
        String hooked = accepted("{\"name\": \"whoami\", \"metadata\": {\"hooks\": {\"before\": [\"record-caller\"],"
                + " \"after\": [\"record-caller\"]}}}", "bob");
        awaitFinal(hooked, "bob");
        for (String when : new String[]{"before", "after"}) {
            assertEquals(seenBy("bob"), result(awaitFinal(accepted("{\"name\": \"hook-saw\", \"content\": \"" + hooked + ":"
                    + when + "\"}", "alice"))), "the " + when + "-hook ran as bob");
        }
        // the EJB container decides from the run's identity: alice has role orders, bob has not
        assertEquals("orders:alice", result(awaitFinal(accepted("{\"name\": \"orders-ejb\"}", "alice"))));
        String bobs = awaitFinal(accepted("{\"name\": \"orders-ejb\"}", "bob"), "bob");
        assertTrue(bobs.contains("\"state\":\"FAILED\"") && bobs.contains("\"kind\":\"EXECUTION\""),
                "the EJB refused bob: " + bobs);
    }

    @Test
    @RunAsClient
    void retriesDelayedAttemptsAndChainedActionsKeepTheSubmittersIdentity() throws Exception {
        String retried = accepted("{\"name\": \"whoami-flaky\", \"content\": \"k-" + System.nanoTime() + "\","
                + " \"metadata\": {\"retry\": {\"maxAttempts\": 3, \"initialDelay\": 50, \"maxDelay\": 50}}}", "bob");
        assertEquals(seenBy("bob") + "|attempt 3", result(awaitFinal(retried, "bob")));
        String delayed = accepted("{\"name\": \"whoami\", \"metadata\": {\"delay\": 1000}}", "bob");
        assertEquals(seenBy("bob"), result(awaitFinal(delayed, "bob")));
        String chained = accepted("{\"name\": \"whoami\", \"metadata\": {\"next\": [{\"name\": \"whoami\","
                + " \"metadata\": {\"delay\": 500, \"next\": [{\"name\": \"orders-ejb\"}]}}]}}", "alice");
        assertEquals(seenBy("alice"), result(awaitFinal(chained)));
        assertEquals(seenBy("alice"), result(awaitFinal(chained + ":whoami")));
        assertEquals("orders:alice", result(awaitFinal(chained + ":whoami:orders-ejb")));
    }

    /** How often the guarded function, the admin hook and the undeclared action have run in the server. */
    private int guardedRuns() throws Exception {
        return Integer.parseInt(awaitFinal(accepted("{\"name\": \"guarded-count\"}", "alice")).replaceAll("(?s).*\"result\":(\\d+).*", "$1"));
    }

    @Test
    @RunAsClient
    void whoMayRunWhatIsDeclaredOnTheServerForTheWholeChain() throws Exception {
        int before = guardedRuns();
        String[][] refused = {   // user, body, status
                {"bob", "{\"name\": \"guarded\"}", "403"},
                {"alice", "{\"name\": \"undeclared\"}", "403"},
                {"alice", "{\"name\": \"guarded\", \"metadata\": {\"hooks\": {\"after\": [\"admin-audit\"]}}}", "403"},
                {"alice", "{\"name\": \"guarded\", \"metadata\": {\"next\": [{\"name\": \"undeclared\"}]}}", "403"},
                {"bob", "{\"name\": \"describe\", \"metadata\": {\"next\": [{\"name\": \"guarded\"}]}}", "403"},
                {"alice", "{\"name\": \"guarded\", \"metadata\": {\"requiredRole\": \"nobody\"}}", "400"},
        };
        for (String[] c : refused) {
            HttpResponse<String> r = send("POST", "", c[1], c[0]);
            assertEquals(Integer.parseInt(c[2]), r.statusCode(), c[0] + " " + c[1] + " -> " + r.body());
        }
        HttpResponse<String> anonymous = Http.send("POST", base + "api/actions", "{\"name\": \"guarded\"}", null, null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "a BASIC challenge");
        assertEquals(before, guardedRuns(), "nothing refused ran");
        assertTrue(awaitFinal(accepted("{\"name\": \"guarded\"}", "alice")).contains("\"result\":\"guarded\""));
        assertEquals(before + 1, guardedRuns(), "what alice may run ran once");
    }
}
