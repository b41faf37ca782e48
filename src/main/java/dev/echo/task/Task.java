package dev.echo.task;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RunnableFuture;

/**
 * A unit of work queued on the scheduler: the user's {@link Callable}, its {@link Priority}, the
 * time it was queued, and the future it completes (the task <em>is</em> that future, which keeps
 * one object per queued task).
 *
 * <h2>Run/cancel protocol (invariants)</h2>
 * {@code state} moves {@code NEW -> RUNNING -> FINISHED}, or, when {@code cancel(true)} or
 * {@link #interruptRunner()} hits a running task, {@code RUNNING -> INTERRUPTING -> INTERRUPTED}.
 * <ul>
 *   <li>The body runs at most once: only the thread whose CAS moves {@code NEW -> RUNNING} runs
 *       it, and only if the future is still incomplete after that CAS. A task cancelled while
 *       queued therefore never runs.</li>
 *   <li>{@code cancel(true)} interrupts only the thread running <em>this</em> task: it interrupts
 *       after winning {@code RUNNING -> INTERRUPTING}, and the runner, after its body, waits
 *       while the state is {@code INTERRUPTING} and then clears its interrupt flag — so the
 *       interrupt can never leak into the next task on that worker.</li>
 *   <li>{@code runner} is written by the runner before the volatile CAS to {@code RUNNING} and
 *       read by a canceller only after its CAS out of {@code RUNNING}: the state field orders
 *       both accesses, so {@code runner} needs no volatile of its own.</li>
 * </ul>
 *
 * @param <T> the result type
 */
public class Task<T> extends TaskFuture<T> implements RunnableFuture<T>, Job {

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int FINISHED = 2;
    private static final int INTERRUPTING = 3;
    private static final int INTERRUPTED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Priority priority;
    /**
     * The user's work: a {@link Callable}, or a {@link Runnable} (result {@code null}), told
     * apart by {@code workIsCallable}; one field keeps a queued task small. Cleared once it ran.
     */
    private Object work;
    private final boolean workIsCallable;
    /** Guards the run/cancel protocol above. */
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** The thread running the body; ordered by {@code state} (see class comment). */
    private Thread runner;
    /** {@link System#nanoTime()} when the task last entered a queue; set before it is queued. */
    private long queuedAtNanos;

    /**
     * @param callable      the work
     * @param priority      its priority
     * @param stageExecutor where async dependents of this future run (see {@link TaskFuture})
     */
    public Task(Callable<? extends T> callable, Priority priority, Executor stageExecutor) {
        this(callable, true, priority, stageExecutor);
    }

    private Task(Object work, boolean workIsCallable, Priority priority, Executor stageExecutor) {
        super(stageExecutor);
        this.work = work;
        this.workIsCallable = workIsCallable;
        this.priority = Objects.requireNonNull(priority, "priority");
    }

    /**
     * @param runnable      the work; the future completes with {@code null}
     * @param priority      its priority
     * @param stageExecutor where async dependents of this future run (see {@link TaskFuture})
     */
    public Task(Runnable runnable, Priority priority, Executor stageExecutor) {
        this(runnable, false, priority, stageExecutor);
    }

    /** For subclasses whose body is not a {@link Callable}. */
    protected Task(Priority priority, Executor stageExecutor) {
        this((Callable<T>) null, priority, stageExecutor);
    }

    @Override
    public final Priority priority() {
        return priority;
    }

    /** When the task last entered a queue ({@link System#nanoTime()}). */
    public final long queuedAtNanos() {
        return queuedAtNanos;
    }

    /**
     * Stamps the queueing time. Call before handing the task to a queue: the queue's
     * publication makes the stamp visible to the worker that takes it.
     */
    public final void markQueued(long nanoTime) {
        this.queuedAtNanos = nanoTime;
    }

    /**
     * {@code true} if the next {@link #execute()} only resumes an async task whose stage has
     * completed (it starts nothing new).
     */
    public boolean isResumption() {
        return false;
    }

    /**
     * Runs this task on the calling thread; for the scheduler's workers. Never throws, except a
     * {@link VirtualMachineError} from the body (after failing the future with it).
     *
     * @return what happened, for the scheduler's accounting
     */
    public Outcome execute() {
        if (isDone()) {
            return Outcome.CANCELLED;
        }
        runner = Thread.currentThread();
        if (!STATE.compareAndSet(this, NEW, RUNNING)) {
            runner = null;
            return Outcome.CANCELLED; // someone already ran it (the caller ran a returned task)
        }
        try {
            if (isDone()) {
                return Outcome.CANCELLED; // cancelled between the first check and the CAS
            }
            return runBody();
        } finally {
            finishRun();
        }
    }

    /** {@link RunnableFuture#run()}: runs the task on the calling thread, at most once. */
    @Override
    public void run() {
        execute();
    }

    /**
     * The body: runs the work and completes the future. Subclasses may replace it.
     * Rethrows a {@link VirtualMachineError} after failing the future with it.
     */
    protected Outcome runBody() {
        Object body = work;
        work = null;
        try {
            T value = null;
            if (workIsCallable) {
                @SuppressWarnings("unchecked")
                Callable<? extends T> callable = (Callable<? extends T>) body;
                value = callable.call();
            } else {
                ((Runnable) body).run();
            }
            return complete(value) ? Outcome.COMPLETED : Outcome.CANCELLED;
        } catch (Throwable failure) {
            boolean failed = completeExceptionally(failure);
            if (failure instanceof VirtualMachineError) {
                throw (VirtualMachineError) failure;
            }
            return failed ? Outcome.FAILED : Outcome.CANCELLED;
        }
    }

    private void finishRun() {
        if (!STATE.compareAndSet(this, RUNNING, FINISHED)) {
            // A canceller won RUNNING -> INTERRUPTING: wait until its interrupt() has landed,
            // then swallow it so it cannot reach the next task run by this thread.
            while ((int) STATE.getVolatile(this) == INTERRUPTING) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
        }
        runner = null;
    }

    /**
     * Cancels the future; with {@code mayInterruptIfRunning} also interrupts the thread running
     * the body (unlike plain {@link java.util.concurrent.CompletableFuture}). A task cancelled
     * while queued never runs.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            if (mayInterruptIfRunning) {
                interruptRunner();
            }
            onCancelled();
        }
        return cancelled;
    }

    /**
     * Interrupts the thread running this task's body, if it is running now, <em>without</em>
     * completing the future: no dependent stage runs on the calling thread. For a timer that must
     * free a worker at once and leaves the completion to a worker (a timeout). The same protocol
     * as {@link #cancel}: the runner clears the interrupt after its body, so it cannot reach the
     * next task on that thread; a later {@code cancel(true)} does not interrupt again.
     *
     * @return whether a running body was interrupted
     */
    public final boolean interruptRunner() {
        if (!STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            return false;
        }
        try {
            Thread t = runner;
            if (t != null) {
                t.interrupt();
            }
        } finally {
            STATE.setVolatile(this, INTERRUPTED);
        }
        return true;
    }

    /** Called once, on the cancelling thread, after a successful {@link #cancel}. */
    protected void onCancelled() {
    }

    /** {@code true} once the body has started or finished (or was skipped because cancelled). */
    public final boolean hasStarted() {
        return (int) STATE.getVolatile(this) != NEW;
    }

    @Override
    public String toString() {
        return super.toString() + "[" + priority + "]";
    }
}
