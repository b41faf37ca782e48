package dev.echo.scheduler;

import dev.echo.task.Priority;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * A task run periodically through {@link Scheduler#scheduleAtFixedRate} or
 * {@link Scheduler#scheduleWithFixedDelay}, as {@link java.util.concurrent.ScheduledExecutorService}
 * documents: each run is one Echo task at the task's priority, scheduled by the end of the
 * previous one, so runs never overlap ("subsequent executions may start late, but will not
 * concurrently execute"); fixed rate aims at {@code initialDelay + n * period} from the
 * scheduling, fixed delay at {@code delay} after the previous run ended. "If any execution of
 * the task encounters an exception, subsequent executions are suppressed": the future fails with
 * it. "Otherwise, the task will only terminate via cancellation or termination of the executor":
 * a shutdown cancels it (as {@code ScheduledThreadPoolExecutor} does by default). The future
 * never completes normally.
 *
 * <p>Invariants: {@code end} completes once (failure, cancellation, shutdown) and after that no
 * run is scheduled: the run that ends checks it after it made the next one, and {@link #cancel}
 * cancels the {@code current} (volatile) run after completing {@code end}, so either the next
 * run sees {@code end} done or cancel sees the next run. {@code nextDue} (volatile) is written by
 * the thread that schedules the next run, before it does.
 */
final class PeriodicTask extends dev.echo.task.ScheduledFutureBase<Object> {

    private final Scheduler scheduler;
    private final Runnable command;
    private final Priority priority;
    /** Fixed rate: the period; fixed delay: 0. */
    private final long periodNanos;
    /** Fixed delay: the delay after each run; fixed rate: 0. */
    private final long delayNanos;
    private final CompletableFuture<Object> end = new CompletableFuture<>();
    private volatile Future<?> current;
    private volatile long nextDue;

    private PeriodicTask(Scheduler scheduler, Runnable command, Priority priority, long periodNanos, long delayNanos) {
        this.scheduler = scheduler;
        this.command = command;
        this.priority = priority;
        this.periodNanos = periodNanos;
        this.delayNanos = delayNanos;
    }

    static PeriodicTask start(Scheduler scheduler, Runnable command, long initialDelayNanos, long periodNanos,
                              long delayNanos, Priority priority) {
        PeriodicTask t = new PeriodicTask(scheduler, command, priority, periodNanos, delayNanos);
        long first = System.nanoTime() + Math.max(0, initialDelayNanos);
        t.scheduleAt(first, true);
        return t;
    }

    /** Schedules the run due at {@code due} (System.nanoTime); the first one's refusal is the caller's. */
    private void scheduleAt(long due, boolean first) {
        nextDue = due;
        long in = Math.max(0, due - System.nanoTime());
        Future<?> next;
        try {
            next = scheduler.schedule(() -> run(due), Duration.ofNanos(in), priority);
        } catch (RejectedExecutionException e) {
            if (first) {
                throw e;
            }
            end.cancel(false); // the executor stops: a periodic task ends with it
            return;
        }
        current = next;
        if (end.isDone()) {
            next.cancel(false);
        }
    }

    private void run(long due) {
        if (end.isDone()) {
            return;
        }
        try {
            command.run();
        } catch (Throwable e) {
            end.completeExceptionally(e); // subsequent executions are suppressed; get() reports it
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            return;
        }
        if (end.isDone()) {
            return;
        }
        if (scheduler.isShutdown()) {
            end.cancel(false); // shutdown: periodic tasks end, delayed one-shot tasks still run
            return;
        }
        long next;
        if (periodNanos > 0) {
            next = due + periodNanos;
            long now = System.nanoTime();
            if (next - now < 0) {
                next = now; // late: the next run starts at once, never two at a time
            }
        } else {
            next = System.nanoTime() + delayNanos;
        }
        scheduleAt(next, false);
    }

    @Override
    protected CompletableFuture<Object> outcome() {
        return end; // never completes normally: cancellation, a failed run, or the executor's shutdown
    }

    @Override
    protected long dueNanos() {
        return nextDue;
    }

    /** Cancels the repetition; with {@code mayInterruptIfRunning}, also interrupts a run in progress. */
    @Override
    protected boolean cancelOutcome(boolean mayInterruptIfRunning) {
        boolean cancelled = end.cancel(mayInterruptIfRunning);
        Future<?> running = current;
        if (cancelled && running != null) {
            running.cancel(mayInterruptIfRunning);
        }
        return cancelled;
    }
}
