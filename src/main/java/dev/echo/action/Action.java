package dev.echo.action;

import dev.echo.task.Priority;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One request to run a named function of the {@link Plan} (the seed's Action): its content is
 * a JSON-like value ({@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean}
 * or {@code null}); the metadata says when and how to run it.
 *
 * @param id       unique id (the caller's or generated)
 * @param name     the plan function to run
 * @param content  the function's input
 * @param priority the priority on Echo
 * @param metadata delay, hooks, chain, retry, role, idempotency key
 */
public record Action(String id, String name, Object content, Priority priority, Metadata metadata) {

    public Action {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(priority, "priority");
        metadata = metadata == null ? Metadata.NONE : metadata;
    }

    /**
     * @param delay          wait before the first attempt (no worker is held)
     * @param before         names of hooks run before the function
     * @param after          names of hooks run after it succeeded
     * @param next           actions started with this action's result as their content
     * @param retry          attempts and backoff
     * @param timeout        longest an attempt may run (it is interrupted then), or zero for none
     * @param requiredRole   role the submitter must have, or {@code null}
     * @param idempotencyKey a caller key: a second action with the same key is the same action
     */
    public record Metadata(Duration delay, List<String> before, List<String> after, List<Action> next,
                           RetryPolicy retry, Duration timeout, String requiredRole, String idempotencyKey) {

        public static final Metadata NONE = new Metadata(Duration.ZERO, List.of(), List.of(), List.of(), RetryPolicy.NONE,
                Duration.ZERO, null, null);

        public Metadata {
            delay = delay == null ? Duration.ZERO : delay;
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + delay);
            }
            before = before == null ? List.of() : List.copyOf(before);
            after = after == null ? List.of() : List.copyOf(after);
            next = next == null ? List.of() : List.copyOf(next);
            retry = retry == null ? RetryPolicy.NONE : retry;
            timeout = timeout == null ? Duration.ZERO : timeout;
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
            }
        }
    }
}
