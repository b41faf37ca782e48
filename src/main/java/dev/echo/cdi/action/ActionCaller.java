package dev.echo.cdi.action;

import java.util.Optional;

/**
 * Who submitted the action whose function or hook runs on the calling thread. With the in-memory
 * queue a run also executes in its submitter's container context (the container's caller principal
 * is the submitter); with {@code echo.actions.queue=jms} a run may execute on another server, in
 * that application's context, and this is where the submitter's name is: the one recorded with the
 * message when the action was accepted (see {@code docs/actions-messaging.md}). Empty outside an
 * action, for anonymous submitters, and for actions the application submitted itself.
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
