package dev.echo.cdi.action;

import dev.echo.action.CurrentAttempt;
import dev.echo.task.Priority;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What an action's function (or hook) knows of the run it executes in, the same with either
 * queue ({@code echo.actions.queue=memory} or {@code jms}): the run's id, which attempt this is,
 * how many times its message was delivered, who submitted it, its priority and its queue. A
 * function that must not repeat a side effect uses {@link #runId()} (and {@link #attempt()}) as
 * its idempotency key: with {@code jms} delivery is at least once, so a server that dies after
 * the function ran and before its message was settled leaves it to run again elsewhere.
 *
 * <p>Two ways to get it: declare a second parameter of this type on the {@code @EchoAction}
 * method ({@code Object f(Input in, CurrentRun run)}), or call {@link #get()} anywhere on the
 * function's thread. Immutable.
 *
 * @param runId      the run's id (a chained run's is {@code parent:name})
 * @param attempt    the attempt running now, from 1, counted across every delivery
 * @param deliveries how many times the action's message was delivered (1 in memory)
 * @param submitter  the submitter's principal name; empty for anonymous submitters and for
 *                   actions the application submitted itself
 * @param priority   the action's priority
 * @param queue      {@code memory} or {@code jms}
 */
public record CurrentRun(String runId, int attempt, int deliveries, Optional<String> submitter, Priority priority,
                         String queue) {

    /** Where a run came from, set around every body of the run by the queue that started it. */
    public record Origin(String submitter, int deliveries, String queue) {
    }

    private static final ThreadLocal<Origin> ORIGIN = new ThreadLocal<>();

    /** The run executing on this thread, if an action's function or hook runs here. */
    public static Optional<CurrentRun> get() {
        Origin origin = ORIGIN.get();
        Optional<CurrentAttempt> attempt = CurrentAttempt.get();
        if (origin == null || attempt.isEmpty()) {
            return Optional.empty();
        }
        CurrentAttempt a = attempt.get();
        String who = origin.submitter();
        return Optional.of(new CurrentRun(a.action().id(), a.attempt(), origin.deliveries(),
                who == null || who.isEmpty() ? Optional.empty() : Optional.of(who), a.action().priority(), origin.queue()));
    }

    /** Runs {@code body} as part of a run of {@code origin} (and with its submitter as {@link ActionCaller}). */
    public static <T> T callAs(Origin origin, Callable<T> body) throws Exception {
        Origin previous = ORIGIN.get();
        ORIGIN.set(origin);
        try {
            return ActionCaller.callAs(origin.submitter(), body);
        } finally {
            if (previous == null) {
                ORIGIN.remove();
            } else {
                ORIGIN.set(previous);
            }
        }
    }
}
