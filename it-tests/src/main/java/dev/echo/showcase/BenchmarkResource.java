package dev.echo.showcase;

import dev.echo.showcase.lab.Printable;
import dev.echo.task.Priority;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * B6: the same load through Echo's injected ManagedExecutorService and through Liberty's
 * java:comp/DefaultManagedExecutorService, both capturing the caller's context per task.
 * Driven by benchmarks/liberty-b6.sh.
 *
 * <p>Only callers in role {@code bench} (the demo group of that name: alice) may call it: one
 * request holds a request thread and the executors for up to two minutes of full load, which is
 * not something an anonymous page visitor may start. Anonymous callers get the container's 401
 * challenge, other users 403. Both runs are POST with the dashboard's header ({@link DashboardOnly}:
 * no other site can make a browser start one), and only one runs at a time (409 otherwise).
 */
@Path("bench")
@RolesAllowed("bench")
@Produces(MediaType.APPLICATION_JSON)
public class BenchmarkResource {

    @Inject
    ComparedExecutors executors;

    @Inject
    dev.echo.cdi.action.EchoActions actions;

    /** Most actions one bench request submits. */
    static final int MAX_BENCH_ACTIONS = 10_000;

    /**
     * Action throughput (benchmarks/liberty-actions.sh): submits {@code count} showcase actions of
     * {@code millis} ms as the application, HIGH, NORMAL and LOW in turn. For the bench role only,
     * so it is not under the lab's budget for anonymous visitors (at most 200 lab actions in
     * progress); Echo's own limits (echo.actions.max-live, the engine's depth) still apply.
     */
    @POST
    @DashboardOnly
    @Path("actions")
    public Map<String, Object> actions(@QueryParam("count") String count, @QueryParam("millis") String millis) {
        int n = number("count", count);
        int ms = QueryNumber.of("millis", millis, 0);
        if (n < 1 || n > MAX_BENCH_ACTIONS) {
            throw bad("count must be from 1 to " + MAX_BENCH_ACTIONS + ", was " + n);
        }
        if (ms < 0 || ms > 1000) {
            throw bad("millis must be from 0 to 1000, was " + ms);
        }
        Priority[] turn = Priority.values();
        for (int i = 0; i < n; i++) {
            actions.accept(new dev.echo.action.Action(java.util.UUID.randomUUID().toString(), ShowcaseActions.NAME,
                    Map.of("ms", ms), turn[i % turn.length], null), role -> false);
        }
        return Map.of("accepted", n, "queue", actions.queueKind());
    }

    /**
     * How many showcase actions this server has run to their end, and how many of them succeeded,
     * since it started: the action benchmark's progress count (benchmarks/liberty-actions.sh sums it
     * over the servers of a mode). Read from the in-process action statistics, so a poll every 50 ms
     * costs the measured path nothing: the lab's status ({@code GET api/lab}) walks every kept run
     * under the run board's lock that each durable thread takes, and renders the whole dashboard.
     */
    @GET
    @Path("actions")
    public Map<String, Object> actionsRun() {
        dev.echo.action.ActionStats.Figures f = actions.stats().get(ShowcaseActions.NAME);
        long finished = f == null ? 0 : f.count();
        long succeeded = f == null ? 0 : f.count() - f.failures() - f.cancelled();
        return Map.of("finished", finished, "succeeded", succeeded);
    }

    private ManagedExecutorService pick(String executor, Priority priority) {
        if ("echo".equals(executor)) {
            return executors.echo(priority);
        }
        if ("liberty".equals(executor)) {
            return executors.liberty();
        }
        throw bad("executor must be 'echo' or 'liberty', was '" + Printable.of(executor) + "'");
    }

    /**
     * A 400 with a JSON body. The message goes in the entity, never in a header or reason phrase
     * (a bare BadRequestException with a CR/LF in its message became a 500 HTML page).
     */
    /** A required whole-number parameter (absent reads as 0, which every range check refuses); 400 if it is not one. */
    private static int number(String name, String value) {
        try {
            return QueryNumber.of(name, value, 0);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static BadRequestException bad(String message) {
        return new BadRequestException(jakarta.ws.rs.core.Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build());
    }

    /** One bench run at a time: each saturates both executors (a second one would measure the first). */
    private static final java.util.concurrent.atomic.AtomicBoolean RUNNING = new java.util.concurrent.atomic.AtomicBoolean();

    /** Runs {@code body} as the only bench run, or answers 409 while another is going. */
    private static Map<String, Object> alone(java.util.concurrent.Callable<Map<String, Object>> body) throws Exception {
        if (!RUNNING.compareAndSet(false, true)) {
            throw new jakarta.ws.rs.WebApplicationException(jakarta.ws.rs.core.Response.status(409).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "a bench run is in progress; one at a time")).build());
        }
        try {
            return body.call();
        } finally {
            RUNNING.set(false);
        }
    }

    /** Tiny tasks submitted from this request thread; tasks per second. */
    @POST
    @DashboardOnly
    @Path("throughput")
    public Map<String, Object> throughput(@QueryParam("executor") String executor, @QueryParam("tasks") String tasksParam)
            throws Exception {
        int tasks = number("tasks", tasksParam);
        if (tasks < 1 || tasks > 10_000_000) {
            throw bad("tasks must be 1..10000000, was " + tasks);
        }
        ManagedExecutorService pool = pick(executor, Priority.NORMAL);
        return alone(() -> throughput(pool, executor, tasks));
    }

    private static Map<String, Object> throughput(ManagedExecutorService pool, String executor, int tasks)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(tasks);
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            pool.execute(done::countDown);
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(executor + " lost tasks");
        }
        long nanos = System.nanoTime() - start;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("executor", executor);
        result.put("tasks", tasks);
        result.put("tasksPerSecond", tasks / (nanos / 1e9));
        return result;
    }

    /**
     * HIGH submit-to-start latency (from the intended submit time) while a backlog of 1 ms LOW
     * tasks saturates the pool; Liberty's executor has no priority, so its HIGH tasks queue FIFO.
     */
    @POST
    @DashboardOnly
    @Path("latency")
    public Map<String, Object> latency(@QueryParam("executor") String executor, @QueryParam("seconds") String secondsParam,
                                       @QueryParam("backlog") String backlogParam) throws Exception {
        int seconds = number("seconds", secondsParam);
        int backlog = number("backlog", backlogParam);
        if (seconds < 1 || seconds > 120 || backlog < 1 || backlog > 10_000) {
            throw bad("seconds must be 1..120 and backlog 1..10000");
        }
        ManagedExecutorService low = pick(executor, Priority.LOW);
        ManagedExecutorService high = pick(executor, Priority.HIGH);
        return alone(() -> latency(low, high, executor, seconds, backlog));
    }

    private static Map<String, Object> latency(ManagedExecutorService low, ManagedExecutorService high, String executor,
                                               int seconds, int backlog) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Recorder recorder = new Recorder(3);
        try {
            for (int i = 0; i < backlog; i++) {
                refill(low, running);
            }
            long interval = 5_000_000;
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            for (long i = 1; ; i++) {
                long intended = start + i * interval;
                if (intended >= end) {
                    break;
                }
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("the latency run was interrupted");
                }
                high.execute(() -> recorder.recordValue(Math.max(0, System.nanoTime() - intended)));
            }
        } finally {
            running.set(false); // whatever failed above, the refill chain must end (it refilled forever)
        }
        Thread.sleep(Math.min(60_000, backlog * 2L));
        Histogram h = recorder.getIntervalHistogram();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("executor", executor);
        result.put("count", h.getTotalCount());
        result.put("p50Micros", h.getValueAtPercentile(50) / 1000.0);
        result.put("p99Micros", h.getValueAtPercentile(99) / 1000.0);
        result.put("p999Micros", h.getValueAtPercentile(99.9) / 1000.0);
        result.put("maxMicros", h.getMaxValue() / 1000.0);
        return result;
    }

    private static void refill(ManagedExecutorService low, AtomicBoolean running) {
        low.execute(() -> {
            long until = System.nanoTime() + 1_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (running.get() && !Thread.currentThread().isInterrupted()) {
                refill(low, running); // a refused refill throws here and ends this chain
            }
        });
    }
}
