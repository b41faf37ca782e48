package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
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

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: the lab's hard caps. Four long experiments fill the slots for driven experiments; a
 * fifth, and a backlog that would pass the cap on tasks in progress, are 429s that start nothing.
 * Its own deployment: the long experiments end with it (undeploy stops the drivers).
 */
@ExtendWith(ArquillianExtension.class)
class ShowcaseCapsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.showcase("showcase-caps");
    }

    @ArquillianResource
    URL base;

    private HttpResponse<String> post(String op) throws Exception {
        return Http.send("POST", base + "api/lab/" + op, null, null, null, Http.DASHBOARD);
    }

    private JsonObject lab() throws Exception {
        HttpResponse<String> r = Http.send("GET", base + "api/lab", null, null, null);
        assertEquals(200, r.statusCode(), "the dashboard stays readable: " + r.body());
        return Http.json(r).asJsonObject();
    }

    private long newestOperation() throws Exception {
        var ops = lab().getJsonArray("operations");
        return ops.isEmpty() ? 0 : ops.getJsonObject(0).getJsonNumber("id").longValue();
    }

    @Test
    @RunAsClient
    void whenTheLabIsFullAnExperimentIs429AndStartsNothing() throws Exception {
        JsonObject limits = lab().getJsonObject("limits");
        assertEquals(4, limits.getInt("maxExperiments"));
        assertEquals(400_000, limits.getJsonNumber("maxTasks").longValue());
        // four probe runs of 10,000 HIGH tasks, one a second: they outlive the test
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = post("high?lane=echo&count=10000&spacing=1000");
            assertEquals(202, r.statusCode(), r.body());
        }
        limits = lab().getJsonObject("limits");
        assertEquals(4, limits.getInt("experimentsRunning"), limits.toString());
        assertEquals(40_000, limits.getJsonNumber("tasksInProgress").longValue(), "each reserved its 10,000 tasks: " + limits);
        long newest = newestOperation();
        for (String op : new String[]{"high?lane=echo&count=1&spacing=1", "flood?lane=echo&seconds=1",
                "compare?backlog=1&probes=10"}) {
            HttpResponse<String> r = post(op);
            assertEquals(429, r.statusCode(), op + " -> " + r.body());
            assertEquals("5", r.headers().firstValue("Retry-After").orElse(""), r.headers().toString());
            assertTrue(r.body().contains("already running"), r.body());
        }
        // a backlog has no driver thread, but 2 x 200,000 tasks more would pass the cap on tasks
        HttpResponse<String> tooMuch = post("backlog?lane=both&count=200000&millis=0");
        assertEquals(429, tooMuch.statusCode(), tooMuch.body());
        assertTrue(tooMuch.body().contains("at most 400000"), tooMuch.body());
        assertEquals(newest, newestOperation(), "no refused experiment was started");
        assertEquals(40_000, lab().getJsonObject("limits").getJsonNumber("tasksInProgress").longValue(),
                "a refused request reserved nothing");
        // what fits is still accepted, and its tasks are given back when they end
        assertEquals(202, post("backlog?lane=echo&count=1000&millis=0").statusCode());
        dev.echo.testing.Await.until(() -> {
            try {
                return lab().getJsonObject("limits").getJsonNumber("tasksInProgress").longValue() == 40_000;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, java.time.Duration.ofSeconds(60), () -> "the backlog's 1,000 tasks are given back as they end");
        HttpResponse<String> metrics = Http.send("GET", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort()
                + "/metrics", null, null, null);
        assertEquals(200, metrics.statusCode(), "/metrics stays readable");
    }
}
