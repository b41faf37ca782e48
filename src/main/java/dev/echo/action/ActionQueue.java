package dev.echo.action;

import java.time.Duration;
import java.util.Optional;

/**
 * Where submitted actions wait to be delivered to a {@link Sequence} (the seed's Production).
 * In memory ({@link InMemoryActionQueue}), or, in the EE layer, persistent messages on a Jakarta
 * Messaging queue shared by many servers ({@code echo.actions.queue=jms}); the contract is the one
 * a message broker can keep:
 *
 * <ul>
 *   <li><b>At-least-once delivery.</b> A delivered action stays owned by the queue until it is
 *       {@linkplain Delivery#ack() acknowledged}; a {@linkplain Delivery#nack() rejected}
 *       delivery, or one not acknowledged within the redelivery timeout, is delivered again. A
 *       consumer must therefore tolerate seeing an action twice.</li>
 *   <li><b>Idempotency key.</b> An action whose idempotency key was already accepted (and not yet
 *       acknowledged) is not queued again: {@link #offer} returns the receipt of the first one.</li>
 *   <li><b>Honest rejection.</b> When full, {@link #offer} throws {@link QueueFullException};
 *       nothing already accepted is dropped to make room.</li>
 * </ul>
 */
public interface ActionQueue {

    /** Accepts {@code action}, or returns the receipt of an accepted action with the same idempotency key. */
    Receipt offer(Action action);

    /** The next action to run, waiting up to {@code timeout}; empty if none came. */
    Optional<Delivery> poll(Duration timeout) throws InterruptedException;

    /** Actions accepted and not yet acknowledged (waiting or in flight). */
    int size();

    /** @param duplicate {@code true} if an action with the same idempotency key was already accepted */
    record Receipt(String actionId, boolean duplicate) {
    }

    /** One delivery of an action; exactly one of {@link #ack} / {@link #nack} should follow. */
    interface Delivery {
        Action action();

        /** How many times this action has been delivered, this one included. */
        int deliveryCount();

        /** The action was handled: the queue forgets it. */
        void ack();

        /** The action was not handled: deliver it again. */
        void nack();
    }

    /** The queue cannot take actions now (its provider is unreachable); nothing was accepted. */
    final class QueueUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public QueueUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The queue is at capacity; the message names it (the provider's own words, if any, are the cause: for the log). */
    final class QueueFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public QueueFullException(String message) {
            super(message);
        }

        public QueueFullException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
