package dev.echo.action;

/**
 * A typed failure of the action system (the seed's {@code Error::{License, Execution, Routing,
 * Cancellation}}): the kind tells a caller what went wrong without parsing messages.
 */
public class ActionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Kind {
        /** The caller lacks the role the action requires. */
        LICENSE,
        /** The action's function failed (after its retries). */
        EXECUTION,
        /** No function of that name in the plan, or a chain names an unknown action. */
        ROUTING,
        /** The action was cancelled. */
        CANCELLATION,
        /**
         * The scheduler refused to queue an attempt (a retry, a delayed start) or a chained action:
         * its queue was full ({@code echo.queue.capacity}) or it had stopped. The run ends here
         * instead of waiting for ever.
         */
        REFUSED,
        /**
         * The function's circuit breaker (MicroProfile Fault Tolerance {@code @CircuitBreaker} on an
         * {@code @EchoAction} method) was open on the run's last attempt: the function was not
         * invoked. The action's own retry policy applies first, as to any failure.
         */
        CIRCUIT_OPEN,
        /**
         * The run's last attempt ran over its timeout (the server's
         * {@code echo.actions.function.<name>.timeout}, fixed or adaptive, or the action's own
         * lower {@code metadata.timeout}) and was interrupted. The action's retry policy applies
         * first, as to any failure.
         */
        TIMEOUT
    }

    private final Kind kind;

    public ActionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ActionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
