package dev.echo.cdi.action.jms;

import dev.echo.cdi.action.RunBook;

import dev.echo.action.ActionException;
import dev.echo.action.ActionRun;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.StringReader;

/**
 * What every server knows of one action run when actions travel over Jakarta Messaging: the
 * state the server that holds the run last published on the run-state topic (see
 * {@link RunBoard}). Immutable; {@link #toJson()} / {@link #parse(String)} are its wire form.
 *
 * @param id          the action's id
 * @param name        the plan function
 * @param owner       who submitted it (ownership rules are the same as for local runs)
 * @param key         the owner's idempotency key, or {@code null}
 * @param state       where the run is
 * @param attempts    attempts started so far, on every server together
 * @param server      the server that published this state
 * @param deliveries  how many times the message was delivered (0 while it waits in the queue)
 * @param redelivered whether a server other than the first took it over
 * @param result      the result as JSON text (SUCCEEDED), or {@code null}
 * @param errorKind   the typed error (FAILED, CANCELLED), or {@code null}
 * @param version     orders two non-final states of one delivery (each publisher counts up)
 * @param cached      whether the result is a cached one: the accepting server answered from its
 *                    result cache ({@code cache-for}) and nothing was sent to the queue
 */
public record RunStatus(String id, String name, RunBook.Owner owner, String key, ActionRun.State state, int attempts,
                 String server, int deliveries, boolean redelivered, String result, ActionException.Kind errorKind,
                 long version, boolean cached) {

    /** The JSON-P provider, looked up once ({@link dev.echo.cdi.action.ActionJson#provider}). */
    private static final jakarta.json.spi.JsonProvider JSON = dev.echo.cdi.action.ActionJson.provider();

    /** A status of a run that was not answered from a cache. */
    public RunStatus(String id, String name, RunBook.Owner owner, String key, ActionRun.State state, int attempts,
                     String server, int deliveries, boolean redelivered, String result, ActionException.Kind errorKind,
                     long version) {
        this(id, name, owner, key, state, attempts, server, deliveries, redelivered, result, errorKind, version, false);
    }

    /** What a SUCCEEDED state carries instead of a result larger than {@link #MAX_RESULT_CHARS} (as JSON text). */
    static String tooLargeNote(String server) {
        return JSON.createValue("the result is larger than " + MAX_RESULT_CHARS + " characters: it is kept only on server "
                + server).toString();
    }

    /** Whether this SUCCEEDED state carries the function's whole result (not a note that it was too large for the topic). */
    public boolean carriesWholeResult() {
        return state == ActionRun.State.SUCCEEDED && result != null && !result.equals(tooLargeNote(server));
    }

    /** Largest result carried on the topic; a larger one is reported as too large, not sent. */
    static final int MAX_RESULT_CHARS = 64 * 1024;

    public static boolean isFinal(ActionRun.State s) {
        return s == ActionRun.State.SUCCEEDED || s == ActionRun.State.FAILED || s == ActionRun.State.CANCELLED;
    }

    public boolean isFinal() {
        return isFinal(state);
    }

    /**
     * Estimated bytes this state takes on a board: two per character of its strings (the result
     * dominates: up to {@link #MAX_RESULT_CHARS}) plus {@link RunBook#OVERHEAD_BYTES}.
     */
    long weight() {
        long chars = id.length() + name.length() + owner.name().length() + server.length()
                + (key == null ? 0 : key.length()) + (result == null ? 0 : result.length());
        return RunBook.OVERHEAD_BYTES + 2 * chars;
    }

    /**
     * Whether this state replaces {@code old} on a board. A final state is never replaced (the
     * first one a board hears is the one it keeps: only the server that holds the run publishes
     * one, so there is one). Otherwise later deliveries beat earlier ones, more attempts beat
     * fewer, and within one delivery the publisher's own count decides.
     */
    boolean supersedes(RunStatus old) {
        if (old == null) {
            return true;
        }
        if (old.isFinal()) {
            return false;
        }
        if (isFinal()) {
            return true;
        }
        if (deliveries != old.deliveries) {
            return deliveries > old.deliveries;
        }
        if (attempts != old.attempts) {
            return attempts > old.attempts;
        }
        return version > old.version;
    }

    RunStatus with(ActionRun.State s, int attempts, String server, int deliveries, boolean redelivered, String result,
                   ActionException.Kind errorKind, long version) {
        return new RunStatus(id, name, owner, key, s, attempts, server, deliveries, redelivered, result, errorKind, version, cached);
    }

    String toJson() {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("type", "status").add("id", id).add("name", name)
                .add("owner", owner.name()).add("application", owner.application()).add("state", state.name())
                .add("attempts", attempts).add("server", server).add("deliveries", deliveries)
                .add("redelivered", redelivered).add("version", version);
        if (key != null) {
            b.add("key", key);
        }
        if (result != null) {
            b.add("result", result);
        }
        if (errorKind != null) {
            b.add("errorKind", errorKind.name());
        }
        if (cached) {
            b.add("cached", true);
        }
        return b.build().toString();
    }

    /** A status from the topic; the topic is trusted infrastructure (only servers write to it). */
    static RunStatus parse(JsonObject o) {
        String ownerName = o.getString("owner", "");
        boolean application = o.getBoolean("application", false);
        RunBook.Owner owner = application ? RunBook.Owner.APPLICATION : RunBook.Owner.caller(ownerName);
        return new RunStatus(o.getString("id"), o.getString("name"), owner, o.getString("key", null),
                ActionRun.State.valueOf(o.getString("state")), o.getInt("attempts", 0), o.getString("server", ""),
                o.getInt("deliveries", 0), o.getBoolean("redelivered", false), o.getString("result", null),
                o.containsKey("errorKind") ? ActionException.Kind.valueOf(o.getString("errorKind")) : null,
                o.getJsonNumber("version") == null ? 0 : o.getJsonNumber("version").longValue(), o.getBoolean("cached", false));
    }

    static JsonObject read(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** The answer of {@code GET /actions/{id}} for a run held anywhere (same fields as a local run, and where it ran). */
    public JsonObject describe() {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("id", id).add("name", name).add("state", state.name())
                .add("attempts", attempts).add("server", server).add("deliveries", deliveries)
                .add("redelivered", redelivered).add("cached", cached);
        if (state == ActionRun.State.SUCCEEDED && result != null) {
            b.add("result", read("{\"r\":" + result + "}").get("r"));
        } else if (state == ActionRun.State.SUCCEEDED) {
            b.add("result", JsonValue.NULL);
        } else if (errorKind != null) {
            String message = switch (errorKind) {
                case EXECUTION -> "the action failed after " + attempts + " attempt(s); the log of server '" + server
                        + "' has the details under its id";
                case ROUTING -> "the action could not be run after " + deliveries + " deliveries; it was moved to the"
                        + " messaging engine's exception destination";
                case REFUSED -> "server '" + server + "' could not queue an attempt or chained action (its scheduler was"
                        + " full or stopping); the log has the details under its id";
                case TIMEOUT -> "the last of " + attempts + " attempt(s) ran over its timeout on server '" + server
                        + "' and was interrupted; its log has the details under its id";
                case CIRCUIT_OPEN -> "the circuit breaker of action '" + name + "' on server '" + server
                        + "' was open on the last of " + attempts + " attempt(s): the function was not invoked";
                default -> "the action was cancelled";
            };
            var error = JSON.createObjectBuilder().add("kind", errorKind.name()).add("message", message);
            if (errorKind == ActionException.Kind.CIRCUIT_OPEN) {
                error.add("circuitBreaker", name);
            }
            b.add("error", error.add("correlationId", id));
        }
        return b.build();
    }
}
