package dev.echo.cdi.executor;

import dev.echo.cdi.EchoPriority;
import dev.echo.scheduler.Scheduler;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.Trigger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What the application sees as {@code ManagedExecutorService} / {@code
 * ManagedScheduledExecutorService}: a thin adapter over the application's Echo {@link Scheduler}
 * that captures the submitter's container context for every task (and every dependent stage),
 * honours {@link ManagedTask} listeners and execution properties, and picks each task's priority
 * (execution property {@value #PRIORITY_PROPERTY}, then {@link EchoPriority} on the task class,
 * then this view's default).
 *
 * <p>Life-cycle methods throw {@link IllegalStateException}: the container owns the executor's
 * life (Jakarta Concurrency 3.0 §3.1.6.1); Echo stops with the application.
 */
public class EchoManagedExecutor implements ManagedScheduledExecutorService {

    /** Execution property selecting a task's priority: {@code HIGH}, {@code NORMAL} or {@code LOW}. */
    public static final String PRIORITY_PROPERTY = EchoPriority.EXECUTION_PROPERTY;

    private static final String LIFECYCLE = "the life cycle of a ManagedExecutorService belongs to the container "
            + "(Jakarta Concurrency 3.0, 3.1.6.1); Echo stops when the application stops";

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EchoManagedExecutor.class.getName());

    private final ApplicationScheduler runtime;
    private final Priority defaultPriority;

    EchoManagedExecutor(ApplicationScheduler runtime, Priority defaultPriority) {
        this.runtime = runtime;
        this.defaultPriority = defaultPriority;
    }

    /** The priority plain submissions to this view get. */
    public Priority defaultPriority() {
        return defaultPriority;
    }

    // ------------------------------------------------------------------ submission

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        submitTask(Executors.callable(command), command, 0);
    }

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return submitTask(task, task, 0);
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return submitTask(Executors.callable(task), task, 0);
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submitTask(Executors.callable(task, result), task, 0);
    }

    @Override
    public CompletableFuture<Void> runAsync(Runnable runnable) {
        Objects.requireNonNull(runnable, "runnable");
        return submitTask(() -> {
            runnable.run();
            return null;
        }, runnable, 0);
    }

    @Override
    public <U> CompletableFuture<U> supplyAsync(Supplier<U> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return submitTask(supplier::get, supplier, 0);
    }

    /**
     * Submits {@code work} (the callable form of {@code original}) after {@code delayNanos}.
     * Context is captured here, on the submitting thread.
     */
    <T> ManagedFuture<T> submitTask(Callable<T> work, Object original, long delayNanos) {
        return submitTask(work, original, delayNanos, false);
    }

    /**
     * @param contextCaptured {@code work} already runs with the context it needs (a periodic or
     *                        trigger task captured it once, when it was scheduled, and submits each
     *                        execution from a worker): no second capture, which would also be the
     *                        worker's context, and which the container refuses for an object it
     *                        made contextual itself
     */
    <T> ManagedFuture<T> submitTask(Callable<T> work, Object original, long delayNanos, boolean contextCaptured) {
        return submitTask(work, original, delayNanos, contextCaptured, () -> null);
    }

    /**
     * @param skip asked on the worker when the task is due, before {@code taskStarting}: a
     *             non-null exception (a trigger's {@link jakarta.enterprise.concurrent.SkippedException})
     *             means the run does not start: the future fails with it, and the listener hears
     *             {@code taskAborted} with it and {@code taskDone} without a failure
     */
    <T> ManagedFuture<T> submitTask(Callable<T> work, Object original, long delayNanos, boolean contextCaptured,
                                    java.util.function.Supplier<? extends Exception> skip) {
        TaskSettings settings = TaskSettings.of(original, defaultPriority);
        ManagedFuture<T> result = newFuture(settings.priority());
        ManagedTaskEvents<T> events = new ManagedTaskEvents<>(settings.listener(), result, this, original);
        String name = settings.identityName() != null ? settings.identityName() : original.getClass().getName();
        Callable<T> contextual = contextCaptured
                ? runtime.traced(work, settings.priority(), name, delayNanos)
                : runtime.prepare(work, settings.priority(), name, delayNanos);
        Callable<T> body = () -> {
            if (result.isDone()) {
                return null; // cancelled before it started
            }
            Exception skipped = skip.get();
            if (skipped != null) {
                throw skipped; // never started: no taskStarting
            }
            events.starting();
            return settings.identityName() == null ? contextual.call() : TaskSettings.named(settings.identityName(), contextual);
        };
        events.submitted(); // before the task can start: listeners hear submitted, then starting
        Future<T> started;
        try {
            if (settings.longRunning() && delayNanos == 0) {
                started = runtime.longRunning().start(body, settings.identityName());
            } else {
                Scheduler scheduler = runtime.scheduler();
                started = delayNanos > 0
                        ? scheduler.schedule(body, Duration.ofNanos(delayNanos), settings.priority())
                        : scheduler.submit(body, settings.priority());
            }
        } catch (RuntimeException rejected) {
            if (rejected instanceof java.util.concurrent.RejectedExecutionException) {
                LOG.warning(() -> "Echo rejected a " + settings.priority() + " task " + describe(original, settings)
                        + ": " + rejected.getMessage());
            }
            result.completeExceptionally(rejected); // the listener hears taskDone with the reason
            throw rejected;
        }
        result.mirror((CompletableFuture<T>) started);
        result.attach(started);
        return result;
    }

    /** A new incomplete future whose dependents run on Echo at {@code priority}, with context. */
    <T> ManagedFuture<T> newFuture(Priority priority) {
        return new ManagedFuture<>(runtime.contextService(), runtime.scheduler().executor(priority));
    }

    // ------------------------------------------------------------------ futures and stages

    @Override
    public <U> CompletableFuture<U> completedFuture(U value) {
        ManagedFuture<U> f = newFuture(defaultPriority);
        f.complete(value);
        return f;
    }

    @Override
    public <U> CompletionStage<U> completedStage(U value) {
        return completedFuture(value);
    }

    @Override
    public <U> CompletableFuture<U> failedFuture(Throwable ex) {
        Objects.requireNonNull(ex, "ex");
        ManagedFuture<U> f = newFuture(defaultPriority);
        f.completeExceptionally(ex);
        return f;
    }

    @Override
    public <U> CompletionStage<U> failedStage(Throwable ex) {
        return failedFuture(ex);
    }

    @Override
    public <T> CompletableFuture<T> copy(CompletableFuture<T> stage) {
        return copy((CompletionStage<T>) stage).toCompletableFuture();
    }

    @Override
    public <T> CompletionStage<T> copy(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        ManagedFuture<T> f = newFuture(defaultPriority);
        f.mirror(stage);
        return f;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return newFuture(defaultPriority);
    }

    @Override
    public ContextService getContextService() {
        return runtime.contextService();
    }

    // ------------------------------------------------------------------ invokeAll / invokeAny

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = submitAll(tasks);
        for (Future<T> f : futures) {
            try {
                f.get();
            } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                // reported through the future
            }
        }
        return futures;
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = submitAll(tasks);
        for (Future<T> f : futures) {
            long left = deadline - System.nanoTime();
            try {
                f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                futures.forEach(x -> x.cancel(true));
                break;
            } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                // reported through the future
            }
        }
        return futures;
    }

    /** Submits every task, after checking them all: a null element submits none (ExecutorService contract). */
    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<Callable<T>> checked = new ArrayList<>(tasks.size());
        for (Callable<T> t : tasks) {
            checked.add(Objects.requireNonNull(t, "invokeAll/invokeAny: a task in the collection is null"));
        }
        List<Future<T>> futures = new ArrayList<>(checked.size());
        for (Callable<T> t : checked) {
            futures.add(submit(t));
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException(e); // unreachable in practice
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        List<Future<T>> futures = submitAll(tasks);
        CompletableFuture<T> first = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        for (Future<T> f : futures) {
            ((CompletableFuture<T>) f).whenComplete((v, e) -> {
                if (e == null) {
                    first.complete(v);
                } else if (failures.incrementAndGet() == futures.size()) {
                    first.completeExceptionally(e);
                }
            });
        }
        try {
            return timeout == Long.MAX_VALUE && unit == TimeUnit.NANOSECONDS ? first.get() : first.get(timeout, unit);
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    // ------------------------------------------------------------------ scheduling

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        return new dev.echo.task.DueFuture<>(submitTask(Executors.callable(command), command, Math.max(0, unit.toNanos(delay))),
                unit.toNanos(delay));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        return new dev.echo.task.DueFuture<>(submitTask(callable, callable, Math.max(0, unit.toNanos(delay))), unit.toNanos(delay));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        return Periodic.start(this, command, unit.toNanos(initialDelay), unit.toNanos(period), true);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive, was " + delay);
        }
        return Periodic.start(this, command, unit.toNanos(initialDelay), unit.toNanos(delay), false);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, Trigger trigger) {
        Objects.requireNonNull(command, "command");
        return TriggeredTask.start(this, Executors.callable(command), command, trigger);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, Trigger trigger) {
        Objects.requireNonNull(callable, "callable");
        return TriggeredTask.start(this, callable, callable, trigger);
    }

    // ------------------------------------------------------------------ life cycle: the container's

    @Override
    public void shutdown() {
        throw new IllegalStateException(LIFECYCLE);
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new IllegalStateException(LIFECYCLE);
    }

    @Override
    public boolean isShutdown() {
        throw new IllegalStateException(LIFECYCLE);
    }

    @Override
    public boolean isTerminated() {
        throw new IllegalStateException(LIFECYCLE);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        throw new IllegalStateException(LIFECYCLE);
    }

    /** Java 19+ {@code ExecutorService.close()}: also the container's business. */
    public void close() {
        throw new IllegalStateException(LIFECYCLE);
    }

    /** The application runtime behind this view (for diagnostics and tests). */
    public ApplicationScheduler runtime() {
        return runtime;
    }

    @Override
    public String toString() {
        return "EchoManagedExecutor[" + defaultPriority + "]";
    }

    private static String describe(Object task, TaskSettings settings) {
        return settings.identityName() != null ? "'" + settings.identityName() + "'" : task.getClass().getName();
    }

    /** Execution properties of a task, for tests and diagnostics. */
    static Map<String, String> properties(Object task) {
        return task instanceof ManagedTask m && m.getExecutionProperties() != null ? m.getExecutionProperties() : Map.of();
    }
}
