package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: who may call the showcase's own HTTP surfaces. /api/bench needs role "bench"
 * (alice); /api/lab is open to anyone on the loopback-only demo server, with bounded, checked input.
 * Every operation of either is POST only and needs the dashboard's header (a cross-site page
 * cannot send it).
 */
@ExtendWith(ArquillianExtension.class)
class ShowcaseAccessIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.showcase("showcase-access");
    }

    @ArquillianResource
    URL base;

    private HttpResponse<String> get(String path, String user) throws Exception {
        return Http.send("GET", base + path, null, user, user == null ? null : user + "pwd");
    }

    /** An operation as the dashboard sends it: POST with its header. */
    private HttpResponse<String> post(String path, String user) throws Exception {
        return Http.send("POST", base + path, null, user, user == null ? null : user + "pwd", Http.DASHBOARD);
    }

    /** The dashboard's newest operation (newest first), or "none". */
    private String newestOperation() throws Exception {
        var ops = Http.json(get("api/lab", null)).asJsonObject().getJsonArray("operations");
        return ops.isEmpty() ? "none" : ops.getJsonObject(0).getJsonNumber("id").toString();
    }

    /** How many tasks were submitted to the application's Echo scheduler so far (the lab's status, readable by anyone). */
    private long echoTasksRun() throws Exception {
        return Http.json(get("api/lab", null)).asJsonObject().getJsonObject("echo").getJsonNumber("submitted").longValue();
    }

    @Test
    @RunAsClient
    void theBenchNeedsTheBenchRoleAndRefusedCallsRunNothing() throws Exception {
        long before = echoTasksRun();
        HttpResponse<String> anonymous = post("api/bench/throughput?executor=echo&tasks=100000", null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "a BASIC challenge");
        assertEquals(403, post("api/bench/throughput?executor=echo&tasks=100000", "bob").statusCode(), "bob lacks the role");
        assertEquals(403, post("api/bench/latency?executor=echo&seconds=120&backlog=10000", "bob").statusCode());
        assertEquals(405, get("api/bench/throughput?executor=echo&tasks=100000", "alice").statusCode(), "POST only");
        HttpResponse<String> forged = Http.send("POST", base + "api/bench/throughput?executor=echo&tasks=100000", null,
                "alice", "alicepwd"); // what a form on another site can make alice's browser send
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("X-Echo-Dashboard"), forged.body());
        assertEquals(before, echoTasksRun(), "no refused request ran a task");
        HttpResponse<String> alice = post("api/bench/throughput?executor=echo&tasks=10", "alice");
        assertEquals(200, alice.statusCode(), alice.body());
        assertTrue(alice.body().contains("\"tasks\":10"), alice.body());
        // the action benchmark's driver (benchmarks/liberty-actions.sh): the bench role only, bounded
        assertEquals(401, post("api/bench/actions?count=300&millis=0", null).statusCode());
        assertEquals(403, post("api/bench/actions?count=300&millis=0", "bob").statusCode());
        assertEquals(400, post("api/bench/actions?count=10001&millis=0", "alice").statusCode());
        assertEquals(400, post("api/bench/actions?count=1&millis=1001", "alice").statusCode());
        HttpResponse<String> actions = post("api/bench/actions?count=300&millis=0", "alice");
        assertEquals(200, actions.statusCode(), "more than the lab's 200 at once, for the bench role: " + actions.body());
        assertTrue(actions.body().contains("\"accepted\":300"), actions.body());
        // and its progress count (GET): the bench role only; it counts the 300 once they have run
        assertEquals(401, get("api/bench/actions", null).statusCode());
        assertEquals(403, get("api/bench/actions", "bob").statusCode());
        long succeeded = dev.echo.testing.Await.value(
                () -> Http.json(get("api/bench/actions", "alice")).asJsonObject().getJsonNumber("succeeded").longValue(),
                n -> n >= 300, java.time.Duration.ofSeconds(60), "the 300 bench actions counted as succeeded");
        jakarta.json.JsonObject progress = Http.json(get("api/bench/actions", "alice")).asJsonObject();
        assertTrue(succeeded <= progress.getJsonNumber("finished").longValue(), progress.toString());
    }

    @Test
    @RunAsClient
    void hostileBenchInputIs400AndRunsNothing() throws Exception {
        long before = echoTasksRun();
        for (String query : new String[]{"throughput?executor=echo&tasks=-1", "throughput?executor=echo&tasks=99999999999",
                "throughput?executor=echo&tasks=1e9", "throughput?executor=%0D%0Aevil&tasks=10", "throughput?tasks=10",
                "throughput?executor=echo&tasks=99999999999999999999999999", "throughput?executor=echo",
                "latency?executor=echo&seconds=100000&backlog=1", "latency?executor=echo&seconds=1&backlog=-5",
                "latency?executor=echo&seconds=abc&backlog=1", "actions?count=99999999999&millis=0", "actions?count=1e9&millis=0",
                "actions?count=0&millis=0", "actions?count=10&millis=-1", "actions?millis=0"}) {
            HttpResponse<String> r = post("api/bench/" + query, "alice");
            // numbers are read as text: one Jakarta REST could not convert is our 400 too, not its bare 404
            assertEquals(400, r.statusCode(), query + " -> " + r.statusCode() + " " + r.body());
            assertTrue(r.body().contains("\"error\""), query + " -> " + r.body());
            assertFalse(r.body().contains("evil\r") || r.body().contains("\r\nevil"), "no raw CR/LF echoed: " + r.body());
        }
        assertTrue(post("api/bench/throughput?executor=echo&tasks=1e9", "alice").body().contains("tasks must be a whole number, was '1e9'"),
                "the error names the parameter and the value");
        assertEquals(before, echoTasksRun(), "nothing ran");
    }

    @Test
    @RunAsClient
    void theLabIsOpenButItsInputIsBoundedAndChecked() throws Exception {
        for (String op : new String[]{"high?lane=echo&count=999999&spacing=1", "flood?lane=nope&seconds=1",
                "flood?lane=echo&seconds=100000", "flood?lane=%0D%0Aevil&seconds=1", "backlog?lane=echo&count=-1&millis=1", "compare?backlog=1&probes=1000000"}) {
            HttpResponse<String> r = post("api/lab/" + op, null);
            assertEquals(400, r.statusCode(), op + " -> " + r.body());
            assertTrue(r.body().contains("\"error\""), r.body());
        }
        assertEquals(405, Http.send("GET", base + "api/lab/flood?lane=echo&seconds=1", null, null, null).statusCode(),
                "operations are POST only");
    }

    /**
     * The lab is open on purpose (@PermitAll, see LabResource): anonymous callers and a user with
     * no role read it and start an operation; without the dashboard's header neither starts one.
     */
    @Test
    @RunAsClient
    void theLabIsOpenToAnonymousCallersAndToUsersWithoutARoleButOnlyWithTheHeader() throws Exception {
        for (String user : new String[]{null, "bob"}) {
            String who = user == null ? "anonymous" : user;
            assertEquals(200, get("api/lab", user).statusCode(), who + " reads the dashboard");
            long before = echoTasksRun();
            HttpResponse<String> forged = Http.send("POST", base + "api/lab/backlog?lane=echo&count=10&millis=0", null,
                    user, user == null ? null : user + "pwd");
            assertEquals(403, forged.statusCode(), who + " without the header: " + forged.body());
            assertEquals(before, echoTasksRun(), who + ": nothing ran");
            HttpResponse<String> started = post("api/lab/backlog?lane=echo&count=10&millis=0", user);
            assertEquals(202, started.statusCode(), who + " with the header: " + started.body());
            assertTrue(started.body().contains("\"operation\""), started.body());
        }
        HttpResponse<String> huge = post("api/lab/backlog?lane=echo&count=" + "9".repeat(400) + "&millis=0", "bob");
        assertEquals(400, huge.statusCode(), "a huge number is a 400: " + huge.body());
        assertTrue(huge.body().contains("count") && huge.body().contains("...") && huge.body().length() < 300,
                "names the parameter, echoes at most 64 characters of it: " + huge.body());
    }

    @Test
    @RunAsClient
    void aLabOperationWithoutTheDashboardsHeaderIsRefusedAndStartsNothing() throws Exception {
        long before = echoTasksRun();
        String newest = newestOperation();
        for (String op : new String[]{"backlog?lane=echo&count=100&millis=0", "high?lane=echo&count=5&spacing=1",
                "flood?lane=echo&seconds=1", "compare?backlog=10&probes=10"}) {
            HttpResponse<String> forged = Http.send("POST", base + "api/lab/" + op, null, null, null);
            assertEquals(403, forged.statusCode(), op + " -> " + forged.body());
            assertTrue(forged.body().contains("X-Echo-Dashboard"), forged.body());
            HttpResponse<String> blank = Http.send("POST", base + "api/lab/" + op, null, null, null,
                    java.util.Map.of("X-Echo-Dashboard", " "));
            assertEquals(403, blank.statusCode(), "a blank value is no header: " + blank.body());
        }
        assertEquals(before, echoTasksRun(), "nothing ran");
        assertEquals(newest, newestOperation(), "nothing was started");
        HttpResponse<String> real = post("api/lab/backlog?lane=echo&count=100&millis=0", null);
        assertEquals(202, real.statusCode(), "what the dashboard sends is accepted: " + real.body());
    }

    @Test
    @RunAsClient
    void anOperationWithABodyOrARepeatedParameterIsRefusedWithJsonAndStartsNothing() throws Exception {
        long before = echoTasksRun();
        String newest = newestOperation();
        String megabyte = "x".repeat(1 << 20);
        for (String[] call : new String[][]{{"api/lab/backlog?lane=echo&count=10&millis=0", null},
                {"api/lab/actions?count=1&millis=0", null}, {"api/bench/throughput?executor=echo&tasks=10", "alice"}}) {
            HttpResponse<String> r = Http.send("POST", base + call[0], megabyte, call[1], call[1] == null ? null : call[1] + "pwd",
                    Http.DASHBOARD);
            assertEquals(413, r.statusCode(), call[0] + " with a body: " + r.body());
            assertTrue(r.body().contains("\"error\"") && r.body().contains("take no body"), r.body());
        }
        for (String[] call : new String[][]{{"api/lab/backlog?lane=echo&count=10&count=999999&millis=0", null},
                {"api/lab/actions?count=1&millis=0&count=1000", null},
                {"api/bench/throughput?executor=echo&executor=liberty&tasks=10", "alice"}}) {
            HttpResponse<String> r = post(call[0], call[1]);
            assertEquals(400, r.statusCode(), call[0] + ": " + r.body());
            assertTrue(r.body().contains("\"error\"") && r.body().contains("is given 2 times"), r.body());
        }
        assertEquals(before, echoTasksRun(), "nothing ran");
        assertEquals(newest, newestOperation(), "nothing was started");
        assertEquals(202, post("api/lab/backlog?lane=echo&count=10&millis=0", null).statusCode(), "each parameter once, no body: accepted");
    }

    @Test
    @RunAsClient
    void oneBenchRunAtATimeASecondIs409() throws Exception {
        // a probe may take the slot just before the long run arrives (then the long run is the 409):
        // try again until the probe is the one refused while the long run holds the slot
        for (int attempt = 1; ; attempt++) {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return post("api/bench/latency?executor=echo&seconds=4&backlog=2", "alice");
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            // a head start for the long run: probing at once, the probe (its client warm) reached the
            // server first in each of five attempts of one fresh-clone run and held the slot, so the
            // long run was the one refused every time; 4 s long, it is under way after 0.5 s
            Thread.sleep(500);
            HttpResponse<String> second = dev.echo.testing.Await.value(() -> post("api/bench/throughput?executor=echo&tasks=10", "alice"),
                    r -> r.statusCode() == 409 || first.isDone(), java.time.Duration.ofSeconds(30), "a second bench run while one runs");
            HttpResponse<String> firstDone = first.get(60, java.util.concurrent.TimeUnit.SECONDS);
            if (second.statusCode() == 409) {
                assertTrue(second.body().contains("one at a time"), second.body());
                assertEquals(200, firstDone.statusCode(), "the run holding the slot went on: " + firstDone.body());
                break;
            }
            assertEquals(409, firstDone.statusCode(), "if no probe was refused, a probe held the slot: " + firstDone.body());
            assertTrue(attempt < 5, "five attempts, and never one bench run refusing another");
        }
        assertEquals(200, post("api/bench/throughput?executor=echo&tasks=10", "alice").statusCode(), "free again");
    }
}
