package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.RetryPolicy;
import dev.echo.cdi.config.EchoConfig;

import java.time.Duration;
import java.util.List;

/**
 * What one submission may cost, checked before anything of it is queued: every duration it
 * names (delay, retry delays, jitter, timeout) within {@code echo.actions.max-delay}; every
 * {@code retry.maxAttempts} within {@code echo.actions.max-attempts}; every {@code next} list
 * within {@code echo.actions.max-next}; and its worst case — every attempt of every action of
 * the chain, each running its function and its hooks — within {@code echo.actions.max-work}
 * invocations. Without the last, a small request (256 actions of 1,000 attempts) could make a
 * quarter of a million invocations. A breach is an {@link ActionJson.ActionJsonException} naming
 * the JSON path and the limit (a 400 over REST). Immutable.
 *
 * @param maxDelay    longest duration any field may name
 * @param maxNext     most actions in one {@code next} list
 * @param maxAttempts most attempts one action may ask for
 * @param maxWork     most function and hook invocations the whole submission may make
 */
public record SubmissionBudget(Duration maxDelay, int maxNext, int maxAttempts, int maxWork) {

    /** The application's budget. */
    static SubmissionBudget of(java.util.function.Function<String, java.util.Optional<String>> config) {
        return new SubmissionBudget(EchoConfig.actionsMaxDelay(config), EchoConfig.actionsMaxNext(config),
                EchoConfig.actionsMaxAttempts(config), EchoConfig.actionsMaxWork(config));
    }

    /** Throws naming the first field over its limit, or the whole submission's work. */
    public void check(Action action) {
        long work = check(action, "$");
        if (work > maxWork) {
            throw new ActionJson.ActionJsonException("$", "this submission may make up to " + work
                    + " function and hook invocations (every attempt of every chained action); at most " + maxWork
                    + " (" + EchoConfig.ACTIONS_MAX_WORK + ")");
        }
    }

    /** The worst-case invocations of {@code action} and its chain, each field checked on the way. */
    private long check(Action action, String path) {
        Action.Metadata m = action.metadata();
        within(m.delay(), path + ".metadata.delay");
        within(m.timeout(), path + ".metadata.timeout");
        RetryPolicy retry = m.retry();
        within(retry.initialDelay(), path + ".metadata.retry.initialDelay");
        within(retry.maxDelay(), path + ".metadata.retry.maxDelay");
        within(retry.jitter(), path + ".metadata.retry.jitter");
        if (retry.maxAttempts() > maxAttempts) {
            throw new ActionJson.ActionJsonException(path + ".metadata.retry.maxAttempts", "at most " + maxAttempts + " ("
                    + EchoConfig.ACTIONS_MAX_ATTEMPTS + "), was " + retry.maxAttempts());
        }
        List<Action> next = m.next();
        if (next.size() > maxNext) {
            throw new ActionJson.ActionJsonException(path + ".metadata.next", next.size() + " chained actions; at most "
                    + maxNext + " (" + EchoConfig.ACTIONS_MAX_NEXT + ")");
        }
        long work = (long) retry.maxAttempts() * (1 + m.before().size() + m.after().size());
        for (int i = 0; i < next.size(); i++) {
            work += check(next.get(i), path + ".metadata.next[" + i + "]");
        }
        return work;
    }

    private void within(Duration d, String path) {
        if (d.compareTo(maxDelay) > 0) {
            throw new ActionJson.ActionJsonException(path, "at most " + maxDelay.toMillis() + " ms ("
                    + EchoConfig.ACTIONS_MAX_DELAY + "), was " + d.toMillis());
        }
    }
}
