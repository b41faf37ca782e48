package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import dev.echo.testing.Await;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: the lab budgets task time, not only task counts, so that its largest allowed
 * experiment on Liberty's default executor — which also serves HTTP — leaves the server
 * answering. (One anonymous backlog of 200,000 tasks of 100 ms once made unrelated requests time
 * out for five minutes.) The showcase's own page must answer within a second while each of the
 * largest experiments runs; a larger one is a 429 that starts nothing. Its own deployment.
 */
@ExtendWith(ArquillianExtension.class)
class ShowcaseResponsivenessIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.showcase("showcase-responsive");
    }

    @ArquillianResource
    URL base;

    private HttpResponse<String> post(String op) throws Exception {
        return Http.send("POST", base + "api/lab/" + op, null, null, null, Http.DASHBOARD);
    }

    private JsonObject limits() throws Exception {
        return Http.json(Http.send("GET", base + "api/lab", null, null, null)).asJsonObject().getJsonObject("limits");
    }

    /** Three GETs of the showcase's page while {@code experiment} runs: each answers 200 within a second. */
    private void pageAnswersWithinASecondDuring(String experiment) throws Exception {
        HttpResponse<String> started = post(experiment);
        assertEquals(202, started.statusCode(), experiment + " -> " + started.body());
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> page = Http.send("GET", base.toString(), null, null, null);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, page.statusCode());
            assertTrue(millis < 1000, "the page answered in " + millis + " ms during " + experiment + " (limits " + limits() + ")");
        }
        Await.value(() -> limits().getJsonNumber("libertyMillisInProgress").longValue(), ms -> ms == 0, Duration.ofSeconds(60),
                "the experiment's work on Liberty's executor drained");
    }

    @Test
    @RunAsClient
    void theLargestAllowedExperimentsOnLibertysExecutorLeaveTheServerAnswering() throws Exception {
        long cap = limits().getJsonNumber("maxLibertyMillis").longValue();
        assertEquals(2000, cap);
        // over the cap: refused, nothing started
        HttpResponse<String> tooMuch = post("backlog?lane=liberty&count=21&millis=100");
        assertEquals(429, tooMuch.statusCode(), tooMuch.body());
        assertTrue(tooMuch.body().contains("may hold at most 2000 ms"), tooMuch.body());
        assertEquals(429, post("backlog?lane=liberty&count=200000&millis=100").statusCode(), "the review's request");
        assertEquals(0, limits().getJsonNumber("libertyMillisInProgress").longValue(), "a refused request reserved nothing");
        // at the cap, in long tasks and in many short ones, on Liberty's lane and on both
        pageAnswersWithinASecondDuring("backlog?lane=liberty&count=20&millis=100");
        pageAnswersWithinASecondDuring("backlog?lane=liberty&count=2000&millis=0");
        pageAnswersWithinASecondDuring("backlog?lane=both&count=2000&millis=1");
        pageAnswersWithinASecondDuring("compare?backlog=1900&probes=100");
        pageAnswersWithinASecondDuring("flood?lane=both&seconds=3");
    }

    @Test
    @RunAsClient
    void labActionsComeUnderTheLabsBudget() throws Exception {
        assertEquals(200, limits().getInt("maxLabActions"));
        HttpResponse<String> tooMany = post("actions?count=201&millis=0");
        assertEquals(400, tooMany.statusCode(), "more than one press may hold: " + tooMany.body());
        HttpResponse<String> first = post("actions?count=200&millis=500");
        assertEquals(202, first.statusCode(), first.body());
        // a window of 8 runs them 8 at a time, 500 ms each: most of the 200 are still in progress
        // (some may have ended while they were sent), so a second batch of 200 cannot fit
        HttpResponse<String> more = post("actions?count=200&millis=0");
        assertEquals(429, more.statusCode(), "lab actions in progress: " + more.body() + " " + limits());
        assertEquals("5", more.headers().firstValue("Retry-After").orElse(""));
        // as they end, the lab sees it (the dashboard's poll) and takes more again
        Await.value(() -> limits().getInt("labActionsInProgress"), n -> n == 0, Duration.ofSeconds(120),
                "the 200 actions of 500 ms ended");
        assertEquals(202, post("actions?count=1&millis=0").statusCode());
    }
}
