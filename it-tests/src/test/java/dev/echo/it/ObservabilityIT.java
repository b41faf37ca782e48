package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import dev.echo.testing.Await;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: Echo's executor in MicroProfile Metrics (/metrics) and MicroProfile Health
 * (/health), checked against known work on a one-worker executor whose queue holds 4 tasks.
 * Telemetry is off in this deployment: tasks get no span.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ObservabilityIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.withConfig("observe", "echo.workers=1\necho.max-workers=1\necho.queue.capacity=4\n", ObserveResource.class, Http.class);
    }

    @ArquillianResource
    URL base;

    private String server() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    private JsonObject call(String path) throws Exception {
        return Http.ok("POST", base + "api/observe/" + path);
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = Http.send("GET", server() + "/metrics?scope=application");
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static JsonObject echoCheck(HttpResponse<String> health) {
        JsonObject body = (JsonObject) Http.json(health);
        return body.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getString("name").equals("echo-executor")
                        && "observe".equals(c.getJsonObject("data").getString("application", null))).findFirst()
                .orElseThrow(() -> new AssertionError("no echo-executor check in " + body));
    }

    /** Counters and timer counts as increases since {@code before}; gauges as they are. */
    private Map<String, Double> samples(String text, String before, String... nameAndPriority) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameAndPriority.length; i += 2) {
            String name = nameAndPriority[i], priority = nameAndPriority[i + 1];
            m.put(name + "{" + priority + "}", name.endsWith("_total") || name.endsWith("_count")
                    ? delta(text, before, name, priority) : Http.sample(text, name, priority));
        }
        return m;
    }

    private static double delta(String now, String before, String name, String priority) {
        return Http.sample(now, name, priority) - Math.max(0, Http.sample(before, name, priority));
    }

    @Test
    @org.junit.jupiter.api.Order(1) // first: MP counters trail the scheduler by up to a second, so a baseline
    // taken right after another test's tasks could miss them
    void healthAndMetricsFollowTheExecutor() throws Exception {
        // counters are compared with what they were before (the deployment itself may have run tasks)
        String before = metrics();
        HttpResponse<String> ready = Http.send("GET", server() + "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", echoCheck(ready).getString("status"));
        assertEquals(1, echoCheck(ready).getJsonObject("data").getInt("workers"));

        // the only worker held, the queue filled to its capacity of 4, a fifth task refused
        assertTrue(call("block").getBoolean("blocked"));
        assertEquals(4, call("submit?priority=LOW&n=4").getInt("accepted"));
        assertEquals(1, call("submit?priority=NORMAL&n=1").getInt("rejected"));

        HttpResponse<String> full = Http.send("GET", server() + "/health/ready");
        assertEquals(503, full.statusCode(), full.body());
        JsonObject down = echoCheck(full);
        assertEquals("DOWN", down.getString("status"));
        assertTrue(down.getJsonObject("data").getString("problems").contains("capacity of 4"), down.toString());
        HttpResponse<String> live = Http.send("GET", server() + "/health/live");
        assertEquals(200, live.statusCode(), "a full queue is not a dead executor: " + live.body());
        assertEquals("UP", echoCheck(live).getString("status"));

        String queued = Await.value(this::metrics, t -> Http.sample(t, "echo_queue_depth", "LOW") == 4
                && delta(t, before, "echo_tasks_rejected_total", "NORMAL") == 1, Duration.ofSeconds(10),
                "queue depth gauge 4 and one rejection counted");
        assertEquals(0, Http.sample(queued, "echo_workers_parked", null));
        assertEquals(1, Http.sample(queued, "echo_workers_active", null));

        call("release");
        Await.value(() -> Http.send("GET", server() + "/health/ready"),
                r -> r.statusCode() == 200 && echoCheck(r).getJsonObject("data").getInt("queued") == 0,
                Duration.ofSeconds(10), "ready again, the queue drained");

        assertEquals(3, call("submit?priority=HIGH&n=3").getInt("accepted"));
        assertEquals(2, call("submit?priority=NORMAL&n=2&fail=true").getInt("accepted"));
        // counters follow the scheduler within a second; timers are fed per task
        String after = Await.value(this::metrics, t -> delta(t, before, "echo_tasks_completed_total", "LOW") == 5
                && delta(t, before, "echo_tasks_completed_total", "HIGH") == 3
                && delta(t, before, "echo_tasks_failed_total", "NORMAL") == 2, Duration.ofSeconds(15),
                "completed LOW 5 (the blocker and 4), HIGH 3, failed NORMAL 2");
        assertEquals(Map.of(
                        "echo_tasks_submitted_total{LOW}", 5.0, "echo_tasks_submitted_total{HIGH}", 3.0,
                        "echo_tasks_submitted_total{NORMAL}", 2.0, "echo_tasks_rejected_total{NORMAL}", 1.0,
                        "echo_tasks_cancelled_total{LOW}", 0.0, "echo_queue_depth{LOW}", 0.0,
                        "echo_task_wait_seconds_count{LOW}", 5.0, "echo_task_run_seconds_count{HIGH}", 3.0,
                        "echo_task_run_seconds_count{NORMAL}", 2.0),
                samples(after, before, "echo_tasks_submitted_total", "LOW", "echo_tasks_submitted_total", "HIGH",
                        "echo_tasks_submitted_total", "NORMAL", "echo_tasks_rejected_total", "NORMAL",
                        "echo_tasks_cancelled_total", "LOW", "echo_queue_depth", "LOW",
                        "echo_task_wait_seconds_count", "LOW", "echo_task_run_seconds_count", "HIGH",
                        "echo_task_run_seconds_count", "NORMAL"));
        assertTrue(Http.sample(after, "echo_parks_total", null) >= 1, "the worker parked at least once");
        assertTrue(Http.sample(after, "echo_task_wait_seconds_sum", "LOW") > 0, "LOW tasks waited behind the blocker");
        assertEquals(0, Http.sample(after, "echo_workers_dead", null));
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void longRunningTasksAreCounted() throws Exception {
        double before = Math.max(0, Http.sample(metrics(), "echo_tasks_long_running_started_total", null));
        JsonObject ran = Http.ok("POST", base + "api/observe/long");
        assertTrue(ran.getString("ranOn").contains("-long-"), "ran on a thread of its own: " + ran);
        String after = Await.value(this::metrics,
                t -> Http.sample(t, "echo_tasks_long_running_started_total", null) >= before + 1, Duration.ofSeconds(10),
                "the started long-running task is counted");
        assertEquals(0, Http.sample(after, "echo_tasks_long_running", null), "none running now");
        assertTrue(Http.sample(after, "echo_tasks_long_running_rejected_total", null) >= 0, "the rejection counter is exported");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void withTelemetryOffTasksHaveNoSpan() throws Exception {
        HttpResponse<String> r = Http.send("GET", base + "api/observe/span");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject seen = (JsonObject) Http.json(r);
        assertFalse(seen.getBoolean("taskSpan"), r.body());
        assertFalse(seen.getBoolean("requestSpan"), r.body());
    }
}
