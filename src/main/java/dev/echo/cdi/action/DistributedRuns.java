package dev.echo.cdi.action;

import dev.echo.cdi.action.jms.RunStatus;
import dev.echo.cdi.action.jms.JmsActions;

import dev.echo.action.Action;
import dev.echo.action.ActionRun;

import java.time.Duration;

/**
 * What {@link EchoActions} needs of actions that travel between servers, with no messaging type
 * in sight: {@link EchoActions} refers only to this, so an application whose server has no
 * Jakarta Messaging deploys (the implementation, {@link JmsActions}, is loaded only for
 * {@code echo.actions.queue=jms}).
 */
public interface DistributedRuns {

    /** Sends an authorized action; its first state, already on this server's board. */
    RunStatus send(Action action, RunBook.Owner owner);

    /** Records a run answered from the result cache (SUCCEEDED, cached), here and for every server; nothing is queued. */
    RunStatus acceptCached(Action action, RunBook.Owner owner, String resultJson);

    void requestCancel(String id);

    /**
     * Returns once everything this server published before the call has gone through the topic and
     * everything other servers published before it has arrived here (a ping sent and heard back:
     * the topic delivers in order), or after {@code timeout}; {@code false} then.
     */
    boolean syncWithTopic(Duration timeout);

    void started(Action action, int attempt);

    void retrying(Action action, int failedAttempt);

    void ended(ActionRun run);

    void stop(Duration grace);

    /** Messages waiting in the queue and visible now. */
    int depth();

    long consumed();

    /** Bundles (messages of several accepted actions, echo.actions.jms.bundle) this server took. */
    default long bundlesConsumed() {
        return 0;
    }

    long redelivered();

    long deadLettered();

    /**
     * How long the last message believed on the run-state topic had been on its way when this
     * server heard it, in ms; -1 before the first (a board that falls behind shows it here).
     */
    default long newsLagMillis() {
        return -1;
    }

    String serverName();

    /** Every reason {@link #onRejected} may report (metric labels). */
    java.util.List<String> rejectionReasons();

    /** Told the reason of every message refused (unsigned, forged, not an action of ours...): for a metric. */
    void onRejected(java.util.function.Consumer<String> listener);
}
