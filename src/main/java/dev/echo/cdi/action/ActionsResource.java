package dev.echo.cdi.action;


import dev.echo.action.Action;
import dev.echo.action.ActionException;
import dev.echo.action.ActionQueue;
import dev.echo.action.ActionRun;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.concurrent.CompletionException;

/**
 * Opened only by {@code echo.actions.rest.enabled=true}: otherwise every request answers 404, as
 * if there were no such resource (the class is still a bean, because Jakarta REST finds it in
 * the jar either way).
 *
 * <p>{@code POST /actions} (202 with id and location), {@code GET /actions/{id}} (state, attempts,
 * result or typed error), {@code DELETE /actions/{id}} (cancel; a running action is
 * interrupted). Bad JSON → 400, unknown action or hook → 404, missing role → 403, an id already
 * used → 409, full or unreachable queue → 503 — each with a JSON body {@code {"error": ..., ...}} and nothing
 * queued. A run belongs to its submitter: anyone else's {@code GET}/{@code DELETE} is a 404, as if
 * it did not exist; the same caller repeating an idempotency key gets its first run (200).
 */
@Path("actions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ActionsResource {

    /** The JSON-P provider, looked up once ({@link ActionJson#provider}). */
    private static final jakarta.json.spi.JsonProvider JSON = ActionJson.provider();

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ActionsResource.class.getName());

    @Inject
    EchoActions actions;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @Context
    jakarta.ws.rs.core.HttpHeaders headers;

    /** Every method answers as if there were no resource unless the application opened it. */
    private void requireEnabled() {
        if (!actions.restEnabled()) {
            throw new NotFoundException();
        }
    }

    /** Largest accepted request body, in bytes; a longer one is refused (413) before the rest is read. */
    public static final int MAX_BODY_BYTES = 1_000_000;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(java.io.InputStream body) {
        requireEnabled();
        if (headers != null && headers.getLength() > MAX_BODY_BYTES) { // declared too long: not a byte is read
            return error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES + " bytes",
                    JSON.createObjectBuilder().add("path", "$"));
        }
        String text;
        try {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1); // never more than the limit in memory
            if (bytes.length > MAX_BODY_BYTES) {
                return error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES + " bytes",
                        JSON.createObjectBuilder().add("path", "$"));
            }
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return error(Response.Status.BAD_REQUEST, "the body is not UTF-8", JSON.createObjectBuilder().add("path", "$"));
        } catch (java.io.IOException e) {
            return error(Response.Status.BAD_REQUEST, "the body could not be read", JSON.createObjectBuilder().add("path", "$"));
        }
        return submit(text);
    }

    /** The submission of an already-read body (what the tests call directly). */
    Response submit(String body) {
        requireEnabled();
        Action action;
        try {
            action = ActionJson.read(body);
        } catch (ActionJson.ActionJsonException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage(), JSON.createObjectBuilder().add("path", e.path()));
        }
        EchoActions.Accepted submitted;
        try {
            submitted = actions.acceptAs(action, caller(), role -> security != null && security.isUserInRole(role));
        } catch (ActionJson.ActionJsonException e) { // a limit of this application (echo.actions.max-delay)
            return error(Response.Status.BAD_REQUEST, e.getMessage(), JSON.createObjectBuilder().add("path", e.path()));
        } catch (EchoActions.IdInUseException e) {
            return error(Response.Status.CONFLICT, e.getMessage(), JSON.createObjectBuilder());
        } catch (ActionRateLimitedException e) {
            long seconds = e.retryAfterSeconds();
            return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, e.getMessage(),
                    JSON.createObjectBuilder().add("action", e.action()).add("limit", e.limit()).add("retryAfterSeconds", seconds)))
                    .header("Retry-After", seconds).build();
        } catch (TooManyLiveRunsException e) {
            long seconds = TooManyLiveRunsException.RETRY_AFTER.toSeconds();
            return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, e.getMessage(),
                    JSON.createObjectBuilder().add("limit", e.limit()).add("retryAfterSeconds", seconds)))
                    .header("Retry-After", seconds).build();
        } catch (ActionException e) {
            Response.Status status = e.kind() == ActionException.Kind.LICENSE ? Response.Status.FORBIDDEN
                    : e.kind() == ActionException.Kind.ROUTING ? Response.Status.NOT_FOUND : Response.Status.BAD_REQUEST;
            return error(status, e.getMessage(), JSON.createObjectBuilder().add("kind", e.kind().name()));
        } catch (ActionQueue.QueueFullException e) {
            return unavailable("the action queue is full; nothing was accepted, try again later", e);
        } catch (ActionQueue.QueueUnavailableException e) {
            return unavailable("the action queue cannot take actions now; nothing was accepted, try again later", e);
        } catch (RuntimeException e) {
            // no exception text in the body: it is in the log under the id the body carries
            String correlation = java.util.UUID.randomUUID().toString();
            LOG.log(java.util.logging.Level.WARNING, "action submission failed; correlation id " + correlation,
                    dev.echo.action.LogText.safe(e));
            return error(Response.Status.INTERNAL_SERVER_ERROR, "the action could not be submitted",
                    JSON.createObjectBuilder().add("correlationId", correlation));
        }
        URI location = uri.getAbsolutePathBuilder().path(submitted.id()).build();
        // the same caller repeating a key gets its first run back: 200, nothing new was accepted
        Response.Status status = submitted.duplicate() ? Response.Status.OK : Response.Status.ACCEPTED;
        return Response.status(status).entity(JSON.createObjectBuilder().add("id", submitted.id())
                .add("state", submitted.state().name()).add("location", location.toString()).build()).location(location).build();
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        requireEnabled();
        if (actions.isDistributed()) { // any server's run, as this server's board knows it
            return actions.status(id, caller()).map(s -> Response.ok(s.describe()).build())
                    .orElseGet(() -> error(Response.Status.NOT_FOUND, "no action with id '" + id + "'", JSON.createObjectBuilder()));
        }
        return actions.find(id, caller()).map(run -> Response.ok(describe(run)).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no action with id '" + id + "'", JSON.createObjectBuilder()));
    }

    @DELETE
    @Path("{id}")
    public Response cancel(@PathParam("id") String id) {
        requireEnabled();
        if (actions.isDistributed()) {
            return actions.status(id, caller()).map(s -> {
                if (s.isFinal()) {
                    return error(Response.Status.CONFLICT, "action '" + id + "' has already ended as " + s.state(),
                            JSON.createObjectBuilder());
                }
                // the server holding it (or the next to take its message) cancels it: 202, look again for CANCELLED
                actions.requestCancel(id);
                return Response.status(Response.Status.ACCEPTED).entity(JSON.createObjectBuilder(s.describe())
                        .add("cancel", "requested").build()).build();
            }).orElseGet(() -> error(Response.Status.NOT_FOUND, "no action with id '" + id + "'", JSON.createObjectBuilder()));
        }
        return actions.find(id, caller()).map(run -> run.cancel() ? Response.ok(describe(run)).build()
                        : error(Response.Status.CONFLICT, "action '" + id + "' has already ended as " + run.state(),
                        JSON.createObjectBuilder()))
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no action with id '" + id + "'", JSON.createObjectBuilder()));
    }

    /** The authenticated caller's name, or {@code null} for an anonymous one. */
    private String caller() {
        java.security.Principal p = security == null ? null : security.getUserPrincipal();
        return p == null ? null : p.getName();
    }

    static JsonObject describe(ActionRun run) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("id", run.action().id()).add("name", run.action().name())
                .add("state", run.state().name()).add("attempts", run.attempts()).add("cached", run.cached());
        java.util.SortedMap<Integer, java.time.Duration> timeouts = run.attemptTimeouts();
        if (!timeouts.isEmpty()) {
            // each attempt's timeout as it ran (an adaptive one changes between attempts)
            var each = JSON.createArrayBuilder();
            timeouts.forEach((attempt, t) -> each.add(JSON.createObjectBuilder().add("attempt", attempt)
                    .add("timeoutMillis", t.toMillis())));
            b.add("attemptTimeouts", each);
        }
        if (run.completion().isDone()) {
            try {
                b.add("result", ActionJson.toJson(run.completion().join()));
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                // no exception text: it is the application's; the log has it under the run's id
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                ActionException.Kind kind = cause instanceof ActionException a ? a.kind() : ActionException.Kind.CANCELLATION;
                b.add("error", errorJson(kind, run.action().name(), run.attempts(), "the server log")
                        .add("correlationId", run.action().id()));
            }
        }
        return b.build();
    }

    /**
     * A final run's typed error, in words of Echo's own (the exception's text is the application's:
     * it goes to the log only). {@code log} says where the details are.
     */
    static JsonObjectBuilder errorJson(ActionException.Kind kind, String action, int attempts, String log) {
        JsonObjectBuilder error = JSON.createObjectBuilder().add("kind", kind.name());
        return switch (kind) {
            case EXECUTION -> error.add("message", "the action failed after " + attempts + " attempt(s); " + log
                    + " has the details under its id");
            case CIRCUIT_OPEN -> error.add("message", "the circuit breaker of action '" + action + "' was open on the last of "
                    + attempts + " attempt(s): the function was not invoked").add("circuitBreaker", action);
            case TIMEOUT -> error.add("message", "the last of " + attempts + " attempt(s) ran over its timeout and was"
                    + " interrupted; " + log + " has the details under its id");
            case REFUSED -> error.add("message", "an attempt or chained action could not be queued (the scheduler was full"
                    + " or stopping); " + log + " has the details under its id");
            case ROUTING -> error.add("message", "the action could not be routed to a function");
            case LICENSE -> error.add("message", "the caller may not run the action");
            case CANCELLATION -> error.add("message", "the action was cancelled");
        };
    }

    /**
     * A 503 with a fixed message and a correlation id: what the queue or its provider said
     * (class names, hosts, destinations) goes only to the log, under that id.
     */
    private static Response unavailable(String message, RuntimeException e) {
        String correlation = java.util.UUID.randomUUID().toString();
        LOG.log(java.util.logging.Level.WARNING, "action submission refused (503); correlation id " + correlation,
                dev.echo.action.LogText.safe(e));
        return error(Response.Status.SERVICE_UNAVAILABLE, message, JSON.createObjectBuilder().add("correlationId", correlation));
    }

    private static Response error(Response.Status status, String message, JsonObjectBuilder extra) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(extra.add("error", message).add("status", status.getStatusCode()).build()).build();
    }
}
