package dev.echo.it;

import dev.echo.testing.Blocker;
import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Test endpoint (ObservabilityIT): holds Echo's only worker, queues tasks of a priority (some
 * failing), releases the worker — so /metrics and /health can be checked against known work.
 */
@Path("observe")
@Produces(MediaType.APPLICATION_JSON)
public class ObserveResource {

    /** The held worker waits on this; replaced by each block. */
    /** The blocker holding the only worker, released by POST /release. */
    private static volatile Blocker blocker = new Blocker();

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @Inject
    ManagedExecutorService normal;

    @Inject
    @EchoPriority(Priority.LOW)
    ManagedExecutorService low;

    private ManagedExecutorService executor(String priority) {
        return switch (Priority.valueOf(priority)) {
            case HIGH -> high;
            case NORMAL -> normal;
            case LOW -> low;
        };
    }

    /** Runs one LONGRUNNING_HINT task (on a thread of its own) and waits for it. */
    @POST
    @Path("long")
    public Map<String, Object> longRunning() throws Exception {
        Object ran = normal.submit(dev.echo.testing.ManagedTasks.callable(() -> Thread.currentThread().getName(),
                Map.of(jakarta.enterprise.concurrent.ManagedTask.LONGRUNNING_HINT, "true"), null)).get(30, TimeUnit.SECONDS);
        return Map.of("ranOn", ran);
    }

    @POST
    @Path("block")
    public Map<String, Object> block() throws InterruptedException {
        Blocker held = new Blocker();
        blocker = held;
        low.execute(held);
        held.awaitStarted();
        return Map.of("blocked", held.hasStarted());
    }

    @POST
    @Path("release")
    public Map<String, Object> release() {
        blocker.release();
        return Map.of("released", true);
    }

    @POST
    @Path("submit")
    public Map<String, Object> submit(@QueryParam("priority") String priority, @QueryParam("n") int n,
            @QueryParam("fail") boolean fail) {
        int accepted = 0, rejected = 0;
        for (int i = 0; i < n; i++) {
            try {
                executor(priority).execute(() -> {
                    if (fail) {
                        throw new IllegalStateException("failing on purpose");
                    }
                });
                accepted++;
            } catch (RejectedExecutionException e) {
                rejected++;
            }
        }
        return Map.of("accepted", accepted, "rejected", rejected);
    }

    /** Whether a task sees a valid span: with telemetry off (this deployment), it must not. */
    @GET
    @Path("span")
    public Map<String, Object> span() throws Exception {
        boolean request = Span.current().getSpanContext().isValid();
        boolean task = high.submit(() -> Span.current().getSpanContext().isValid()).get(30, TimeUnit.SECONDS);
        return Map.of("requestSpan", request, "taskSpan", task);
    }
}
