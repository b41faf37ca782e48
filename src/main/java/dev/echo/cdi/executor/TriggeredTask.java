package dev.echo.cdi.executor;

import jakarta.enterprise.concurrent.LastExecution;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.SkippedException;
import jakarta.enterprise.concurrent.Trigger;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task run whenever its {@link Trigger} says: {@code getNextRunTime} picks each run time
 * ({@code null} ends the repetition), {@code skipRun} may skip a run. The future reports the
 * latest execution ({@link TriggerFuture}): its result, or — once it was skipped — a
 * {@link SkippedException} (also when {@code skipRun} threw: the exception is its cause), and
 * the final one once there are no more. A failing execution or a throwing {@code getNextRunTime} ends the repetition with that
 * failure. The {@link LastExecution} the trigger sees carries the task's
 * {@code ManagedTask.IDENTITY_NAME}, and describes the last execution that ran (a skip leaves it
 * as it was). The task's context is captured
 * once, on the scheduling thread, and every run has it; the trigger's own methods run with
 * unspecified context (the {@code Trigger} javadoc), here none.
 */
final class TriggeredTask {

    private TriggeredTask() {
    }

    static <V> ScheduledFuture<V> start(EchoManagedExecutor executor, Callable<V> callable, Object original, Trigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        Callable<V> contextual = executor.runtime().contextService().contextualCallable(callable);
        String identity = EchoManagedExecutor.properties(original).get(ManagedTask.IDENTITY_NAME);
        TriggerFuture<V> future = new TriggerFuture<>();
        Date scheduled = new Date();
        next(executor, contextual, original, trigger, future, null, scheduled, null, identity);
        return future;
    }

    /**
     * @param last  what the trigger is told of the last execution that ran (null before the first)
     * @param finalOutcome what the future becomes if the trigger ends the repetition now: the outcome of
     *              the execution just finished (a result, or a skip)
     */
    private static <V> void next(EchoManagedExecutor executor, Callable<V> contextual, Object original, Trigger trigger,
                                 TriggerFuture<V> future, Execution last, Date taskScheduled, Outcome<V> finalOutcome,
                                 String identity) {
        if (future.isDone()) {
            return;
        }
        Date runAt;
        try {
            runAt = trigger.getNextRunTime(last, taskScheduled);
        } catch (RuntimeException e) {
            future.end.completeExceptionally(e);
            return;
        }
        if (runAt == null) {
            if (finalOutcome != null && finalOutcome.skipped()) {
                future.end.completeExceptionally(finalOutcome.skip());
            } else {
                future.end.complete(finalOutcome == null ? null : finalOutcome.result());
            }
            return;
        }
        long delayNanos = Math.max(0, TimeUnit.MILLISECONDS.toNanos(runAt.getTime() - System.currentTimeMillis()));
        Execution previous = last;
        Callable<Outcome<V>> run = () -> {
            Date start = new Date();
            V result = contextual.call();
            return new Outcome<>(result, null, start, new Date());
        };
        // asked when the run is due, before taskStarting: a skipped run never starts
        java.util.function.Supplier<SkippedException> skip = () -> {
            try {
                return trigger.skipRun(previous, runAt) ? new SkippedException("the trigger skipped the run due at " + runAt) : null;
            } catch (RuntimeException e) {
                return new SkippedException("the trigger's skipRun threw for the run due at " + runAt, e);
            }
        };
        ManagedFuture<Outcome<V>> execution = executor.submitTask(run, original, delayNanos, true, skip);
        future.next(execution, System.nanoTime() + delayNanos);
        // after the listener heard this execution end (taskDone), not before: the next one's taskSubmitted follows it
        execution.reported().thenRun(() -> {
            Outcome<V> outcome;
            Throwable e;
            try {
                outcome = execution.join();
                e = null;
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException failed) {
                outcome = null;
                e = failed;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof SkippedException skipped) {
                Outcome<V> skip1 = Outcome.skipped(skipped);
                future.skipped(skipped); // get() throws it from now until a later execution runs
                next(executor, contextual, original, trigger, future, previous, taskScheduled, skip1, identity);
                return;
            }
            if (e != null) {
                future.end.completeExceptionally(e);
                return;
            }
            future.ran(outcome.result());
            Execution done = new Execution(identity, runAt, outcome.start(), outcome.end(), outcome.result());
            next(executor, contextual, original, trigger, future, done, taskScheduled, outcome, identity);
        });
    }

    /** One execution: it ran (result, start, end) or was skipped ({@code skip}). */
    private record Outcome<V>(V result, SkippedException skip, Date start, Date end) {
        static <V> Outcome<V> skipped(SkippedException skip) {
            return new Outcome<>(null, skip, null, null);
        }

        boolean skipped() {
            return skip != null;
        }
    }

    /** What the trigger learns about the last execution that ran. */
    record Execution(String identityName, Date scheduledStart, Date runStart, Date runEnd, Object result)
            implements LastExecution {

        @Override
        public String getIdentityName() {
            return identityName;
        }

        @Override
        public Object getResult() {
            return result;
        }

        @Override
        public Date getScheduledStart() {
            return scheduledStart;
        }

        @Override
        public ZonedDateTime getScheduledStart(ZoneId zone) {
            return scheduledStart == null ? null : ZonedDateTime.ofInstant(scheduledStart.toInstant(), zone);
        }

        @Override
        public Date getRunStart() {
            return runStart;
        }

        @Override
        public ZonedDateTime getRunStart(ZoneId zone) {
            return runStart == null ? null : ZonedDateTime.ofInstant(runStart.toInstant(), zone);
        }

        @Override
        public Date getRunEnd() {
            return runEnd;
        }

        @Override
        public ZonedDateTime getRunEnd(ZoneId zone) {
            return runEnd == null ? null : ZonedDateTime.ofInstant(runEnd.toInstant(), zone);
        }
    }

}
