package dev.echo.cdi.executor;

import jakarta.enterprise.concurrent.LastExecution;
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
 * ({@code null} ends the repetition, and the future completes with the last result),
 * {@code skipRun} may skip a run (the run is recorded as skipped). The task's context is captured
 * once, on the scheduling thread, and every run has it; the trigger's own methods run with
 * unspecified context (the {@code Trigger} javadoc), here none.
 */
final class TriggeredTask {

    private TriggeredTask() {
    }

    static <V> ScheduledFuture<V> start(EchoManagedExecutor executor, Callable<V> callable, Object original, Trigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        Callable<V> contextual = executor.runtime().contextService().contextualCallable(callable);
        RepeatingFuture<V> future = new RepeatingFuture<>();
        Date scheduled = new Date();
        next(executor, contextual, original, trigger, future, null, scheduled, null);
        return future;
    }

    private static <V> void next(EchoManagedExecutor executor, Callable<V> contextual, Object original, Trigger trigger,
                                 RepeatingFuture<V> future, Execution last, Date taskScheduled, V lastResult) {
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
            future.end.complete(lastResult);
            return;
        }
        long delayNanos = Math.max(0, TimeUnit.MILLISECONDS.toNanos(runAt.getTime() - System.currentTimeMillis()));
        Execution previous = last;
        Callable<Outcome<V>> run = () -> {
            if (trigger.skipRun(previous, runAt)) {
                return new Outcome<>(null, true, null, null);
            }
            Date start = new Date();
            V result = contextual.call();
            return new Outcome<>(result, false, start, new Date());
        };
        CompletableFuture<Outcome<V>> execution = executor.submitTask(run, original, delayNanos, true);
        future.next(execution, System.nanoTime() + delayNanos);
        execution.whenComplete((outcome, e) -> {
            if (e != null) {
                future.end.completeExceptionally(e);
                return;
            }
            if (outcome.skipped()) {
                Execution skipped = new Execution(runAt, null, null, null);
                next(executor, contextual, original, trigger, future, previous == null ? skipped : previous, taskScheduled,
                        lastResult);
                return;
            }
            Execution done = new Execution(runAt, outcome.start(), outcome.end(), outcome.result());
            next(executor, contextual, original, trigger, future, done, taskScheduled, outcome.result());
        });
    }

    private record Outcome<V>(V result, boolean skipped, Date start, Date end) {
    }

    /** What the trigger learns about the previous run. */
    record Execution(Date scheduledStart, Date runStart, Date runEnd, Object result) implements LastExecution {

        @Override
        public String getIdentityName() {
            return null;
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
