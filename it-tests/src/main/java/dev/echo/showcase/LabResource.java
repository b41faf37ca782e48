package dev.echo.showcase;

import dev.echo.showcase.lab.Lab;
import dev.echo.showcase.lab.LabBudget;
import dev.echo.showcase.lab.Operation;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard's JSON ({@code GET /api/lab}) and its experiments ({@code POST /api/lab/...},
 * 202 with the operation to follow on the dashboard). Bad input is a 400 with
 * {@code {"error": "..."}} naming the parameter (a parameter given twice too, and a body is a 413:
 * {@link QueryOnlyFilter}); a second side-by-side run while one is going is
 * a 409; an experiment that would pass the lab's caps on tasks in progress or experiments running
 * ({@link LabBudget}) is a 429 with {@code Retry-After}. Nothing is started by a refused request.
 *
 * <h2>Who may call it</h2>
 * Everyone, on purpose: {@code @PermitAll} on every method, anonymous callers and users without
 * any role included (ShowcaseAccessIT calls it as both). The dashboard page calls it without a
 * login, and the demo server listens on the loopback interface only. What stands in for a role:
 * operations are POST only and need the dashboard's header ({@link DashboardOnly}: a cross-site
 * page cannot send it, 403 otherwise), each is bounded per request (400 beyond) and all of them
 * together by the lab's caps (429). A server reachable by others would put a role here, as
 * {@code BenchmarkResource} does with {@code @RolesAllowed("bench")}.
 */
@PermitAll
@Path("lab")
@Produces(MediaType.APPLICATION_JSON)
public class LabResource {

    @Inject
    Lab lab;

    @Inject
    dev.echo.cdi.action.EchoActions actions;

    /** Most showcase actions one press may submit (the lab holds at most 200 in progress: LabActions). */
    static final int MAX_ACTIONS = 200;

    @GET
    @PermitAll
    public Map<String, Object> dashboard() {
        Map<String, Object> json = new java.util.LinkedHashMap<>(lab.dashboard(actions::state));
        // which server ran what: every server's runs when actions travel over the messaging engine
        json.put("actions", Map.of("queue", actions.queueKind(), "byServer", actions.runsByServer()));
        return json;
    }

    /**
     * Submits {@code count} showcase actions (HIGH, NORMAL and LOW in turn, {@code millis} ms each)
     * as the application: through the action queue, so any server of the application may run them.
     */
    @POST
    @PermitAll
    @DashboardOnly
    @Path("actions")
    public Response submitActions(@QueryParam("count") String count, @QueryParam("millis") String millis) {
        int n;
        int ms;
        try {
            n = QueryNumber.of("count", count, 100);
            ms = QueryNumber.of("millis", millis, 5);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        if (n < 1 || n > MAX_ACTIONS) {
            return error(Response.Status.BAD_REQUEST, "count must be from 1 to " + MAX_ACTIONS + ", was " + n);
        }
        if (ms < 0 || ms > 1000) {
            return error(Response.Status.BAD_REQUEST, "millis must be from 0 to 1000, was " + ms);
        }
        dev.echo.task.Priority[] turn = dev.echo.task.Priority.values();
        dev.echo.showcase.lab.LabActions.Admitted admitted;
        try {
            admitted = lab.admitActions(n, ms, actions::state);
        } catch (dev.echo.showcase.lab.LabBudget.LabBusyException e) {
            return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, e.getMessage())).header("Retry-After", "5").build();
        }
        List<String> ids = admitted.ids();
        int sent = 0;
        try {
            for (; sent < n; sent++) {
                actions.accept(new dev.echo.action.Action(ids.get(sent), ShowcaseActions.NAME,
                        Map.of("ms", ms), turn[sent % turn.length], null), role -> false);
            }
        } catch (RuntimeException e) {
            admitted.failedAfter(sent);
            if (e instanceof dev.echo.cdi.action.TooManyLiveRunsException tooMany) {
                return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, tooMany.getMessage()))
                        .header("Retry-After", "5").build();
            }
            if (!(e instanceof dev.echo.action.ActionQueue.QueueFullException
                    || e instanceof dev.echo.action.ActionQueue.QueueUnavailableException)) {
                throw e;
            }
            // the provider's words go to the log only, under the id the caller gets
            String correlation = java.util.UUID.randomUUID().toString();
            java.util.logging.Logger.getLogger(LabResource.class.getName()).log(java.util.logging.Level.WARNING,
                    "lab actions refused (503); correlation id " + correlation, dev.echo.action.LogText.safe(e));
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "the action queue cannot take actions now; try again later",
                            "correlationId", correlation)).build();
        }
        return Response.accepted(Map.of("accepted", n, "queue", actions.queueKind())).build();
    }

    @POST
    @PermitAll
    @DashboardOnly
    @Path("backlog")
    public Response backlog(@QueryParam("lane") String lane, @QueryParam("count") String count, @QueryParam("millis") String millis) {
        return start(() -> lab.backlog(lane, QueryNumber.of("count", count, 2000), QueryNumber.of("millis", millis, 1)));
    }

    @POST
    @PermitAll
    @DashboardOnly
    @Path("high")
    public Response high(@QueryParam("lane") String lane, @QueryParam("count") String count, @QueryParam("spacing") String spacing) {
        return start(() -> lab.high(lane, QueryNumber.of("count", count, 50), QueryNumber.of("spacing", spacing, 20)));
    }

    @POST
    @PermitAll
    @DashboardOnly
    @Path("flood")
    public Response flood(@QueryParam("lane") String lane, @QueryParam("seconds") String seconds) {
        return start(() -> lab.flood(lane, QueryNumber.of("seconds", seconds, 3)));
    }

    @POST
    @PermitAll
    @DashboardOnly
    @Path("compare")
    public Response compare(@QueryParam("backlog") String backlog, @QueryParam("probes") String probes) {
        return start(() -> lab.compare(QueryNumber.of("backlog", backlog, 1000), QueryNumber.of("probes", probes, 100)));
    }

    private static Response start(Supplier<Operation> operation) {
        try {
            return Response.accepted(Map.of("operation", operation.get().id())).build();
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (LabBudget.LabBusyException e) {
            return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, e.getMessage()))
                    .header("Retry-After", "5").build();
        } catch (IllegalStateException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
