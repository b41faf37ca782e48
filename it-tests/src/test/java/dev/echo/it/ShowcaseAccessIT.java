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

    /** How many tasks were submitted to the application's Echo scheduler so far (the lab's status, readable by anyone). */
    private long echoTasksRun() throws Exception {
        return Http.json(get("api/lab", null)).asJsonObject().getJsonObject("echo").getJsonNumber("submitted").longValue();
    }

    @Test
    @RunAsClient
    void theBenchNeedsTheBenchRoleAndRefusedCallsRunNothing() throws Exception {
        long before = echoTasksRun();
        HttpResponse<String> anonymous = get("api/bench/throughput?executor=echo&tasks=100000", null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "a BASIC challenge");
        assertEquals(403, get("api/bench/throughput?executor=echo&tasks=100000", "bob").statusCode(), "bob lacks the role");
        assertEquals(403, get("api/bench/latency?executor=echo&seconds=120&backlog=10000", "bob").statusCode());
        assertEquals(before, echoTasksRun(), "no refused request ran a task");
        HttpResponse<String> alice = get("api/bench/throughput?executor=echo&tasks=10", "alice");
        assertEquals(200, alice.statusCode(), alice.body());
        assertTrue(alice.body().contains("\"tasks\":10"), alice.body());
    }

    @Test
    @RunAsClient
    void hostileBenchInputIs400AndRunsNothing() throws Exception {
        long before = echoTasksRun();
        for (String query : new String[]{"throughput?executor=echo&tasks=-1", "throughput?executor=echo&tasks=99999999999",
                "throughput?executor=echo&tasks=1e9", "throughput?executor=%0D%0Aevil&tasks=10", "throughput?tasks=10",
                "latency?executor=echo&seconds=100000&backlog=1", "latency?executor=echo&seconds=1&backlog=-5"}) {
            HttpResponse<String> r = get("api/bench/" + query, "alice");
            // a number Jakarta REST cannot convert is its 404 (the spec's rule for query parameters); ours are 400 with JSON
            assertTrue(r.statusCode() == 400 && r.body().contains("\"error\"") || r.statusCode() == 404,
                    query + " -> " + r.statusCode() + " " + r.body());
            assertFalse(r.body().contains("evil\r") || r.body().contains("\r\nevil"), "no raw CR/LF echoed: " + r.body());
        }
        assertEquals(before, echoTasksRun(), "nothing ran");
    }

    @Test
    @RunAsClient
    void theLabIsOpenButItsInputIsBoundedAndChecked() throws Exception {
        for (String op : new String[]{"high?lane=echo&count=999999&spacing=1", "flood?lane=nope&seconds=1",
                "flood?lane=echo&seconds=100000", "flood?lane=%0D%0Aevil&seconds=1", "backlog?lane=echo&count=-1&millis=1", "compare?backlog=1&probes=1000000"}) {
            HttpResponse<String> r = Http.send("POST", base + "api/lab/" + op, null, null, null);
            assertEquals(400, r.statusCode(), op + " -> " + r.body());
            assertTrue(r.body().contains("\"error\""), r.body());
        }
        assertEquals(405, Http.send("GET", base + "api/lab/flood?lane=echo&seconds=1", null, null, null).statusCode(),
                "operations are POST only");
    }
}
