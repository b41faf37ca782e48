package dev.echo.cdi.action;

import java.util.Optional;

/**
 * Who submitted the action whose function or hook runs on the calling thread: the name recorded
 * when the action was accepted, with either queue. (With the in-memory queue a run also executes
 * in its submitter's container context; with {@code echo.actions.queue=jms} it executes as its
 * submitter where the consuming server allows identity assertion, see
 * {@code docs/actions-messaging.md}.) {@link CurrentRun} has this and the rest of the run. Empty
 * outside an action, for anonymous submitters, and for actions the application submitted itself.
 */
public final class ActionCaller {

    private static final ThreadLocal<String> NAME = new ThreadLocal<>();

    private ActionCaller() {
    }

    /** The submitter's principal name, if the current thread runs an action of a named caller. */
    public static Optional<String> name() {
        String n = NAME.get();
        return n == null || n.isEmpty() ? Optional.empty() : Optional.of(n);
    }

    /** Runs {@code body} with {@code name} as the current submitter, restoring the previous one. */
    public static <T> T callAs(String name, java.util.concurrent.Callable<T> body) throws Exception {
        String previous = NAME.get();
        NAME.set(name);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                NAME.remove();
            } else {
                NAME.set(previous);
            }
        }
    }
}
