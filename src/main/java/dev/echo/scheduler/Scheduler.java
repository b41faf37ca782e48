package dev.echo.scheduler;

import dev.echo.metrics.SchedulerMetrics;
import dev.echo.metrics.SharedStats;
import dev.echo.queue.StealingQueue;
import dev.echo.task.AsyncTask;
import dev.echo.task.Job;
import dev.echo.task.Outcome;
import dev.echo.task.Priority;
import dev.echo.task.Task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A priority-aware work-stealing {@link java.util.concurrent.ExecutorService}. Build one with
 * {@link SchedulerBuilder}.
 *
 * <p>Tasks have a {@link Priority}; the plain {@code ExecutorService} methods use
 * {@link Priority#NORMAL}. A worker always starts the most urgent task it can see — its own
 * deques, the global injectors, other workers' deques — so a {@code HIGH} task waits at most for
 * the first running task to finish (tasks are never pre-empted). Tasks waiting longer than the
 * ageing threshold overtake fresher work, so {@code LOW} tasks progress under a {@code HIGH}
 * flood. Tasks submitted from inside a task go to that worker's own deque, where idle workers
 * steal them. Idle workers park (no polling).
 *
 * <h2>Lifecycle</h2>
 * {@link #shutdown()} stops accepting tasks from outside; every accepted task — queued, delayed, or an async task
 * waiting for its stage — still runs, then the workers exit. {@link #stop()} /
 * {@link #close()} do the same and wait. {@link #shutdownNow()} returns the tasks that never
 * started, interrupts running ones and cancels pending async ones; {@link #stop(Duration)}
 * drains gracefully until a deadline, then does the same. Whatever happens, every accepted task
 * ends up completed, failed, cancelled or returned ({@link SchedulerMetrics#finished()}).
 * During a graceful shutdown, tasks submitted <em>by running tasks</em> (forks, on this
 * scheduler's own workers) and dependent stages of its futures are still accepted, as
 * {@link java.util.concurrent.ForkJoinPool} accepts internal forks: they continue work that was
 * accepted, and rejecting them would break a recursive computation half-way through the drain.
 * After {@link #shutdownNow()} only dependent stages and async resumptions are accepted.
 * Tasks that shutdownNow returns are left with incomplete futures, as
 * {@link java.util.concurrent.ThreadPoolExecutor} does: run them (they complete their futures)
 * or cancel them.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every accepted task is counted in {@link RunState} before it can be seen by a worker,
 *       and leaves the count exactly once (see {@code RunState} for the termination protocol
 *       and its ordering argument).</li>
 *   <li>{@code queued} (only with a bounded capacity) counts accepted tasks not yet started
 *       (ready or delayed); it is incremented before acceptance and decremented when a worker
 *       takes the task or it is drained or cancelled while delayed.</li>
 * </ul>
 *
 * <h2>Why this class is long</h2>
 * It is the public face of the executor: the submission paths, the callbacks of its workers
 * and timer, and the {@code ExecutorService} life cycle. All three follow one acceptance
 * protocol (capacity, run state, where a task is queued), which is clearer in one place; the
 * parts with a concept of their own live beside it: {@link RunState} (termination),
 * {@link MetricsSnapshot} (the metrics), {@link Worker}, {@link IdleWorkers},
 * {@link DelayedTasks}.
 *
 * <p>It is an {@link java.util.concurrent.AbstractExecutorService}; the package-private
 * {@link PaddedExecutorService} in between adds only padding ahead of its fields.
 */
public final class Scheduler extends PaddedExecutorService implements java.util.concurrent.ScheduledExecutorService, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

    private static final int LOCAL_QUEUE_CAPACITY = 256;
    /**
     * How far a worker's deque grows before its forks go to the spill queue behind it: as far as
     * a deep fan-out's frontier (B2 holds half a million forks at once; with 2^12 slots most of
     * them went through the spill queue, a fifth of B2's time). Rejected at first because one
     * worker held the frontier and the other stole from the same head — that cost was the head
     * and tail sharing a cache line (now padded apart, see PaddedIndexes): B2 went from 0.31x to
     * 0.55x ForkJoinPool with it. A drained ring shrinks back to 256 slots, so a burst does not
     * keep 4 MB per level and worker.
     */
    private static final int MAX_LOCAL_QUEUE_CAPACITY = 1 << 20;

    private final String name;
    private final ThreadFactory threadFactory;
    /** Whether {@link #newThread} renames the factory's threads (the builder's nameThreads). */
    private final boolean nameThreads;
    private final int capacity;
    private final Duration agingThreshold;
    private final StealingQueue<Job> queue;
    private final Worker[] workers;
    /** Thread -> worker, built once the worker threads exist (before any task is accepted). */
    private final WorkerLookup lookup;
    private final IdleWorkers idle;
    private final DelayedTasks delayed;
    /** Stamps forks without a clock read each; null when the ageing threshold is too short for it. */
    private final CoarseClock clock;
    /** Compensation for blocked workers, or null when maxWorkers == workerCount. */
    private final Spares spares;
    private final SharedStats shared = new SharedStats();
    private final Executor[] stageExecutors = new Executor[Priority.count()];
    /** Async tasks waiting for their stage; for shutdownNow and the metrics. */
    private final Set<AsyncTask<?>> awaiting = ConcurrentHashMap.newKeySet();

    /** See class invariants; unused when unbounded. */
    private final AtomicLong queued = new AtomicLong();
    /** Credits and accepted counts per submission ring (see {@link #admitOutside}). */
    private final RingBooks ringBooks;
    /** The one admission all outside submissions use (no allocation per task). */
    private final StealingQueue.Admission outsideAdmission = new StealingQueue.Admission() {
        @Override
        public boolean admit(int ring, int level) {
            throw new IllegalStateException("outside tasks are admitted with their item");
        }

        @Override
        public boolean admit(int ring, int level, Object item) {
            return admitOutside(ring, level, (Job) item);
        }
    };
    /** Counts an outside submitter takes in advance: one shared CAS per this many submissions. */
    private static final int RING_CREDIT_BATCH = 32;
    /** Accepting or not, pending tasks, live threads; when quiescent the threads are told to exit. */
    private final RunState runState = new RunState(this::quiesce);

    Scheduler(SchedulerBuilder b) {
        this.name = b.name();
        this.threadFactory = b.threadFactory();
        this.nameThreads = b.nameThreads();
        this.capacity = b.queueCapacity();
        this.agingThreshold = b.agingThreshold();
        int n = b.workerCount();
        this.queue = new StealingQueue<>(n, Priority.count(), LOCAL_QUEUE_CAPACITY, MAX_LOCAL_QUEUE_CAPACITY);
        this.ringBooks = new RingBooks(queue.rings(), Priority.count());
        this.idle = new IdleWorkers(n);
        this.delayed = new DelayedTasks(this);
        this.clock = CoarseClock.usable(Worker.checkIntervalNanos(agingThreshold.toNanos())) ? new CoarseClock(this, idle) : null;
        for (Priority p : Priority.values()) {
            stageExecutors[p.level()] = new PriorityExecutor(p);
        }
        this.workers = new Worker[n];
        for (int i = 0; i < n; i++) {
            workers[i] = new Worker(this, i, queue, idle, agingThreshold.toNanos(), b.taskObserver(), false);
        }
        int maxSpares = b.maxWorkers() - n;
        this.spares = maxSpares <= 0 ? null : new Spares(this, queue, idle, workers, maxSpares,
                b.stallThreshold() == null ? 0 : b.stallThreshold().toNanos(), agingThreshold.toNanos(), b.taskObserver());
        List<Thread> threads = createWorkerThreads();
        this.lookup = new WorkerLookup(workers);
        startWorkers(threads);
        LOG.info(() -> "Echo scheduler '" + name + "' started: " + n + " workers, queue capacity "
                + (capacity == Integer.MAX_VALUE ? "unbounded" : capacity) + ", ageing threshold " + agingThreshold);
    }

    private List<Thread> createWorkerThreads() {
        List<Thread> threads = new ArrayList<>();
        try {
            for (Worker w : workers) {
                Thread t = newThread(w, "worker-" + w.index);
                w.attach(t);
                threads.add(t);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("Echo scheduler '" + name + "': the thread factory failed: " + e.getMessage(), e);
        }
        return threads;
    }

    private void startWorkers(List<Thread> threads) {
        runState.threadsStarting(threads.size());
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Creates (but does not start) a scheduler thread from the configured factory. */
    Thread newThread(Runnable body, String role) {
        Thread t = threadFactory.newThread(body);
        if (t == null) {
            throw new IllegalStateException("thread factory " + threadFactory + " returned null for " + role);
        }
        if (nameThreads) { // a supplied factory's names are kept unless asked (SchedulerBuilder.nameThreads)
            try {
                t.setName(name + "-" + role);
            } catch (SecurityException ignored) {
                // A container factory may forbid renaming; its own name is fine.
            }
        }
        return t;
    }

    // ------------------------------------------------------------------ submission

    /** Runs {@code task} at {@code priority}. */
    public <T> CompletableFuture<T> submit(Callable<T> task, Priority priority) {
        Objects.requireNonNull(task, "task");
        return accept(new Task<>(task, requirePriority(priority), stageExecutors[priority.level()]), 0);
    }

    /** Runs {@code task} at {@code priority}; the future completes with {@code null}. */
    public CompletableFuture<Void> submit(Runnable task, Priority priority) {
        Objects.requireNonNull(task, "task");
        return accept(new Task<Void>(task, requirePriority(priority), stageExecutors[priority.level()]), 0);
    }

    /**
     * Runs {@code task} at {@code priority}, without a result and without a future: the cheapest
     * submission. What the task throws is counted as a failure in the metrics.
     */
    public void execute(Runnable task, Priority priority) {
        Objects.requireNonNull(task, "task");
        dev.echo.task.PlainTask t = new dev.echo.task.PlainTask(task, requirePriority(priority));
        Worker self = currentWorker();
        if (self == null || !fork(t, priority, self)) {
            accept(t, 0, self);
        }
    }

    /**
     * The common fork, small enough for the JIT to inline into the forking task (the general
     * {@link #accept} is too big for that, and so was a call per fork): an {@code execute} from
     * one of this scheduler's workers while it runs, with an unbounded queue. The same steps as
     * accept's for a worker's ready task, in the same order — a pending count (the worker's
     * credit), the state, the worker's counter, the stamp, the push, the wake-up check.
     *
     * @return {@code false}, having changed nothing, when the general path must decide (a
     *     bounded queue, no credit to be had, not running)
     */
    private boolean fork(dev.echo.task.PlainTask task, Priority priority, Worker self) {
        if (capacity != Integer.MAX_VALUE || !self.takeFinishedCredit()) {
            return false;
        }
        if (runState.state() != RunState.RUNNING) {
            self.returnFinishedCredit();
            return false;
        }
        self.stats.acceptedReady(priority);
        task.markQueued(self.forkStamp());
        int level = priority.level();
        queue.push(self.index, level, task);
        afterPublish(level);
        return true;
    }

    /** Runs {@code task} at {@link Priority#NORMAL}. */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return submit(task, Priority.NORMAL);
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submit(task, Priority.NORMAL);
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submit(() -> {
            task.run();
            return result;
        }, Priority.NORMAL);
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if (command instanceof Task<?> t && isOurs(t)) {
            accept(t, 0); // a task made by newTaskFor (invokeAll / invokeAny)
            return;
        }
        execute(command, Priority.NORMAL);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new Task<>(callable, Priority.NORMAL, stageExecutors[Priority.NORMAL.level()]);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return newTaskFor(() -> {
            runnable.run();
            return value;
        });
    }

    private boolean isOurs(Task<?> t) {
        return t.defaultExecutor() == stageExecutors[t.priority().level()] && !t.hasStarted();
    }

    /**
     * Runs an asynchronous task: {@code body} runs on a worker at {@code priority} and returns a
     * stage; the worker is released at once, and when the stage completes the task is queued
     * again at {@code priority} to complete the returned future on a worker. Cancelling the
     * returned future cancels the stage if it is a {@link java.util.concurrent.Future}.
     */
    public <T> CompletableFuture<T> submitAsync(Supplier<? extends CompletionStage<T>> body, Priority priority) {
        Objects.requireNonNull(body, "body");
        requirePriority(priority);
        return accept(new AsyncTask<T>(body, priority, stageExecutors[priority.level()], this::resume), 0);
    }

    /**
     * Runs {@code task} at {@code priority} once {@code delay} has passed. No worker is held
     * while waiting. A graceful stop waits for delayed tasks; shutdownNow returns them.
     */
    public <T> CompletableFuture<T> schedule(Callable<T> task, Duration delay, Priority priority) {
        Objects.requireNonNull(task, "task");
        return accept(new Task<>(task, requirePriority(priority), stageExecutors[priority.level()]), requireDelay(delay));
    }

    /** Runs {@code task} at {@code priority} once {@code delay} has passed. */
    public CompletableFuture<Void> schedule(Runnable task, Duration delay, Priority priority) {
        Objects.requireNonNull(task, "task");
        return accept(new Task<Void>(task, requirePriority(priority), stageExecutors[priority.level()]), requireDelay(delay));
    }

    // ------------------------------------------------------------------ ScheduledExecutorService

    /** {@code delay} in {@code unit} as a non-negative Duration (negative: now; huge: clamped like any delay). */
    private static Duration delayOf(long delay, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return Duration.ofNanos(Math.min(Math.max(0, unit.toNanos(delay)), MAX_DELAY_NANOS));
    }

    /**
     * {@link java.util.concurrent.ScheduledExecutorService#schedule(Callable, long, TimeUnit)} at
     * {@link Priority#NORMAL}: zero and negative delays run at once. The future cancels (and,
     * with {@code true}, interrupts) as Echo's tasks do.
     */
    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        Duration d = delayOf(delay, unit);
        return new dev.echo.task.DueFuture<>(schedule(callable, d, Priority.NORMAL), d.toNanos());
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Duration d = delayOf(delay, unit);
        return new dev.echo.task.DueFuture<>(schedule(command, d, Priority.NORMAL), d.toNanos());
    }

    /** {@link java.util.concurrent.ScheduledExecutorService#scheduleAtFixedRate} at {@link Priority#NORMAL} (see {@link PeriodicTask}). */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, period, unit, Priority.NORMAL);
    }

    /** A fixed-rate periodic task at {@code priority}: runs never overlap; a failed run ends the repetition. */
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit,
                                                  Priority priority) {
        return periodic(command, initialDelay, period, unit, priority, true);
    }

    /** {@link java.util.concurrent.ScheduledExecutorService#scheduleWithFixedDelay} at {@link Priority#NORMAL} (see {@link PeriodicTask}). */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, delay, unit, Priority.NORMAL);
    }

    /** A fixed-delay periodic task at {@code priority}: the next run starts {@code delay} after the previous one ended. */
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit,
                                                     Priority priority) {
        return periodic(command, initialDelay, delay, unit, priority, false);
    }

    /** Checks the arguments the JDK documents, then starts a {@link PeriodicTask} with {@code every} as its period or its delay. */
    private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long every, TimeUnit unit, Priority priority,
                                       boolean fixedRate) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        requirePriority(priority);
        if (every <= 0) {
            throw new IllegalArgumentException((fixedRate ? "period" : "delay") + " must be positive, was " + every + " " + unit);
        }
        long everyNanos = Math.min(unit.toNanos(every), MAX_DELAY_NANOS);
        return PeriodicTask.start(this, command, delayOf(initialDelay, unit).toNanos(), fixedRate ? everyNanos : 0,
                fixedRate ? 0 : everyNanos, priority);
    }

    /**
     * An {@link Executor} that submits at {@code priority}; what the futures returned here use
     * for their async dependent stages. Handy for continuations registered inside a task.
     */
    public Executor executor(Priority priority) {
        return stageExecutors[requirePriority(priority).level()];
    }

    /** The priority of the task running on the calling thread, if it is a worker of any scheduler. */
    public static Optional<Priority> currentPriority() {
        Worker w = Worker.CURRENT.get();
        return w == null ? Optional.empty() : Optional.ofNullable(w.currentPriority());
    }

    private static Priority requirePriority(Priority priority) {
        return Objects.requireNonNull(priority, "priority");
    }

    /**
     * The longest delay kept as given, about 73 years: longer ones are clamped to it, as
     * {@code ScheduledThreadPoolExecutor} does, so that {@code nanoTime() + delay} never
     * overflows and due times always compare correctly by subtraction.
     */
    static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

    private static long requireDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        try {
            return Math.min(delay.toNanos(), MAX_DELAY_NANOS);
        } catch (ArithmeticException e) {
            return MAX_DELAY_NANOS; // longer than a long of nanoseconds: effectively never
        }
    }

    /**
     * {@code ExecutorService.invokeAll}: a null element throws {@link NullPointerException}
     * before any task is submitted.
     */
    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(java.util.Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        return super.invokeAll(requireElements(tasks));
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(java.util.Collection<? extends Callable<T>> tasks, long timeout,
                                                             TimeUnit unit) throws InterruptedException {
        return super.invokeAll(requireElements(tasks), timeout, unit);
    }

    @Override
    public <T> T invokeAny(java.util.Collection<? extends Callable<T>> tasks)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        return super.invokeAny(requireElements(tasks));
    }

    @Override
    public <T> T invokeAny(java.util.Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        return super.invokeAny(requireElements(tasks), timeout, unit);
    }

    private static <C extends java.util.Collection<?>> C requireElements(C tasks) {
        Objects.requireNonNull(tasks, "tasks");
        for (Object t : tasks) {
            Objects.requireNonNull(t, "a task in the collection is null");
        }
        return tasks;
    }

    /** Accepts a task from a caller: capacity, shutdown, then queueing. */
    private <F extends Job> F accept(F task, long delayNanos) {
        return accept(task, delayNanos, currentWorker());
    }

    /** {@link #accept(Job, long)} for a caller that has looked up its worker ({@code null}: not a worker of this scheduler). */
    private <F extends Job> F accept(F task, long delayNanos, Worker self) {
        boolean bounded = capacity != Integer.MAX_VALUE;
        if (bounded && queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            throw reject(task, "its queue is full (capacity " + capacity + ")");
        }
        if (self == null && delayNanos == 0) {
            return acceptOutside(task, bounded);
        }
        // A worker that has finished tasks not yet subtracted from 'pending' pays for a fork with
        // one of them: pending stays an over-count, with no shared atomic on the fork path.
        boolean credit = self != null && self.takeFinishedCredit();
        if (!credit && !runState.tryAccept()) {
            if (bounded) {
                queued.decrementAndGet();
            }
            throw reject(task, "it has terminated");
        }
        int state = runState.state();
        if (state != RunState.RUNNING && !(state == RunState.SHUTDOWN && self != null)) {
            undoAccept(bounded, credit, self);
            throw reject(task, state == RunState.SHUTDOWN ? "it is shut down" : "it was stopped (shutdownNow)");
        }
        if (delayNanos > 0) {
            try {
                delayed.ensureTimer(); // before the task counts as delayed: without a timer it could never run
            } catch (RuntimeException | Error noTimer) {
                undoAccept(bounded, credit, self);
                throw reject(task, "its thread factory could not make the timer thread for delayed tasks: " + noTimer);
            }
            shared.acceptedDelayed(task.priority());
            delayed.schedule((Task<?>) task, delayNanos); // only futures are delayed (schedule, onTimer)
        } else {
            if (self != null) {
                self.stats.acceptedReady(task.priority()); // the worker's own counter: no shared write per fork
            } else {
                shared.acceptedReady(task.priority());
            }
            push(task, self);
        }
        return task;
    }

    /**
     * A ready task from a thread that is not a worker: counted and queued in one step under its
     * submission ring's lock ({@link #admitOutside}), so the submitter touches no shared counter.
     */
    private <F extends Job> F acceptOutside(F task, boolean bounded) {
        if (!queue.inject(task.priority().level(), task, outsideAdmission)) {
            if (bounded) {
                queued.decrementAndGet();
            }
            int state = runState.state();
            throw reject(task, state == RunState.RUNNING ? "it has terminated"
                    : state == RunState.SHUTDOWN ? "it is shut down" : "it was stopped (shutdownNow)");
        }
        afterPublish(task.priority().level());
        return task;
    }

    /**
     * Under {@code ring}'s lock: accepts and stamps one outside task while the scheduler runs. Its pending
     * count comes from the ring's credits, bought {@value #RING_CREDIT_BATCH} at a time with one
     * CAS (an over-count, like a worker's credits: see RunState). The state is read under the
     * lock, and shutdown sets the state before it takes the credits back under each ring's lock
     * ({@link #returnRingCredits}): either this admission sees the shutdown and refuses, or the
     * shutdown finds what this admission left in the ring.
     */
    private boolean admitOutside(int ring, int level, Job task) {
        if (runState.state() != RunState.RUNNING) {
            return false;
        }
        // stamped here, under the ring's lock: the ring's sampling state has one writer at a time
        task.markQueued(clock == null ? CoarseClock.precise() : ringBooks.stamp(ring, clock));
        long credits = ringBooks.credits(ring);
        if (credits > 0) {
            ringBooks.setCredits(ring, credits - 1);
        } else if (runState.tryAccept(RING_CREDIT_BATCH)) {
            ringBooks.setCredits(ring, RING_CREDIT_BATCH - 1);
        } else {
            return false; // terminated
        }
        ringBooks.countAccepted(ring, level);
        return true;
    }

    /** Takes back the counts the submission rings hold in advance (on shutdown), so termination can come. */
    private void returnRingCredits() {
        long[] taken = new long[1];
        for (int r = 0; r < ringBooks.rings(); r++) {
            int ring = r;
            queue.withRingLocked(ring, () -> {
                taken[0] += ringBooks.credits(ring);
                ringBooks.setCredits(ring, 0);
            });
        }
        if (taken[0] > 0) {
            runState.finished(taken[0]);
        }
    }

    /** Tasks outside threads queued ready at {@code level} (for the metrics). */
    long acceptedOutside(int level) {
        return ringBooks.accepted(level);
    }

    /** Gives back what accept took for a task it then refuses: its queue place and its pending count. */
    private void undoAccept(boolean bounded, boolean credit, Worker self) {
        if (bounded) {
            queued.decrementAndGet();
        }
        if (credit) {
            self.returnFinishedCredit();
        } else {
            finished();
        }
    }

    private RejectedExecutionException reject(Job task, String why) {
        shared.rejected(task.priority());
        String message = "Echo scheduler '" + name + "' rejected a " + task.priority() + " task: " + why;
        LOG.fine(message);
        return new RejectedExecutionException(message);
    }

    /** Queues a task (new, due, or resuming) where its submitting thread would look first. */
    private void push(Job task) {
        push(task, currentWorker());
    }

    private void push(Job task, Worker w) {
        // A fork is stamped by its worker (precise, or by the coarse clock under a flood: a clock
        // read per fork was a third of B2's time on one worker), never earlier than now; not with
        // the worker's own clock (the start of the forking task): a fork would look older than it
        // is and overtake more urgent work before its time (AgingTest). Anything else (a due or
        // resumed task) reads the real clock.
        task.markQueued(w != null ? w.forkStamp() : CoarseClock.precise());
        if (w != null) {
            queue.push(w.index, task.priority().level(), task);
        } else {
            queue.inject(task.priority().level(), task);
        }
        afterPublish(task.priority().level());
    }

    /**
     * After a task was published: wake a worker if needed. StoreLoad: the publication must be
     * visible before notifyOne reads the idle state, or a parking worker and this submitter can
     * each miss the other (see IdleWorkers: the argument needs both steps sequentially
     * consistent). push and inject end with a full fence after the publication (StealingQueue's
     * level hints need the same one). Every worker busy: watch for a stall, and a HIGH task gets
     * the urgent thread (it would otherwise wait for a running task to end).
     */
    private void afterPublish(int level) {
        if (idle.notifyOne() && spares != null) {
            if (spares.watching()) {
                spares.stallPossible(); // one flag read when armed
            }
            if (level == Worker.URGENT_LEVEL) {
                spares.urgent().wake();
            }
        }
    }

    /** The worker of this scheduler running on the calling thread, or {@code null}. */
    private Worker currentWorker() {
        return lookup.find(Thread.currentThread());
    }

    /** An async task's stage completed: queue it again at its priority (even during shutdown). */
    private void resume(AsyncTask<?> task) {
        awaiting.remove(task);
        push(task);
    }

    // ------------------------------------------------------------------ worker callbacks

    /** An async task released its worker; it is still pending. */
    void suspended(Job task) {
        if (task instanceof AsyncTask<?> a && !a.isResumption()) {
            awaiting.add(a);
            if (a.isResumption()) {
                awaiting.remove(a); // its stage completed while we were adding it
            }
        }
    }

    /** A worker took a task that was waiting to start. */
    void leftQueue() {
        if (capacity != Integer.MAX_VALUE) {
            queued.decrementAndGet();
        }
    }

    /** An accepted task reached its end. */
    void finished() {
        finished(1);
    }

    /** {@code n} accepted tasks reached their end (a worker flushes its batch). */
    void finished(long n) {
        runState.finished(n);
    }

    /** Counts {@code n} accepted tasks at once (a worker's credits for its forks); false once terminated. */
    boolean acceptInAdvance(int n) {
        return runState.tryAccept(n);
    }

    /** {@code true} once shutdown or shutdownNow was called (workers then stop batching). */
    boolean isShuttingDown() {
        return !runState.isRunning();
    }

    void delayedDue(Task<?> task) {
        if (task.isDone()) {
            delayedCancelled(task);
        } else if (task instanceof TimerTask) {
            // runs here, on the timer thread: it must not wait for a worker (see onTimer)
            leftQueue();
            Outcome outcome;
            try {
                outcome = task.execute();
            } catch (VirtualMachineError e) {
                // the task failed its future with it already; the timer goes on (every later
                // delayed task, timeout and retry depends on it)
                LOG.log(Level.SEVERE, "timer action " + task + " failed with a virtual machine error; the timer goes on", e);
                outcome = Outcome.FAILED;
            }
            switch (outcome) {
                case COMPLETED -> shared.completedOffWorker();
                case FAILED -> shared.failedOffWorker();
                default -> shared.cancelled(task.priority());
            }
            finished();
        } else {
            shared.delayedDue(task.priority());
            push(task);
        }
    }

    /**
     * Runs {@code action} after {@code delay} on the scheduler's timer thread, not on a worker:
     * for tiny, non-blocking reactions to time that must happen even when every worker is busy.
     * A slow or blocking action delays every delayed task of this scheduler, so only the
     * scheduler's own code runs here: not public (a caller's action once delayed a 10 ms HIGH
     * task to 3 s); callers use {@link #schedule} (a worker) or {@link #interruptAfter}.
     * Accepted, counted and stopped like any delayed task.
     */
    CompletableFuture<Void> onTimer(Runnable action, Duration delay) {
        Objects.requireNonNull(action, "action");
        return accept(new TimerTask(action, stageExecutors[Priority.HIGH.level()]), Math.max(1, requireDelay(delay)));
    }

    /**
     * Interrupts the body of the task in {@code task} (a future this scheduler returned, read when
     * {@code delay} has passed) if it is still running then — on the timer thread, so it happens
     * even when every worker is busy (a timeout that waited for a worker would never fire while
     * the task it guards holds the last one). Only the interrupt happens there: no future is
     * completed and no stage runs on the timer thread ({@link Task#interruptRunner()}); whatever
     * should follow the timeout, the caller schedules on a worker ({@link #schedule}). A future
     * that is not one of Echo's tasks is left alone.
     *
     * @return cancels the interrupt if it has not happened yet
     */
    public Future<?> interruptAfter(java.util.concurrent.atomic.AtomicReference<? extends Future<?>> task, Duration delay) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<Void> timer = onTimer(() -> {
            if (task.get() instanceof Task<?> t) { // AtomicReference.get and interruptRunner are final: no caller code
                t.interruptRunner();
            }
        }, delay);
        return new TimerHandle(timer);
    }

    /** What {@link #interruptAfter} returns: cancel and look, but no stage can be attached to the timer's future. */
    private record TimerHandle(CompletableFuture<Void> timer) implements Future<Void> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return timer.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return timer.isCancelled();
        }

        @Override
        public boolean isDone() {
            return timer.isDone();
        }

        @Override
        public Void get() throws InterruptedException, java.util.concurrent.ExecutionException {
            return timer.get();
        }

        @Override
        public Void get(long timeout, TimeUnit unit) throws InterruptedException, java.util.concurrent.ExecutionException,
                java.util.concurrent.TimeoutException {
            return timer.get(timeout, unit);
        }
    }

    /** A delayed task that the timer thread runs itself. */
    private static final class TimerTask extends Task<Void> {
        TimerTask(Runnable action, Executor stageExecutor) {
            super(action, Priority.HIGH, stageExecutor);
        }
    }

    /**
     * A due task could not be handed to the ready queues (the timer caught what was thrown):
     * it fails, and is accounted as finished, so a stop still terminates.
     */
    void handOffFailed(Task<?> task, Throwable error) {
        leftQueue();
        if (task.completeExceptionally(error)) {
            shared.failedOffWorker();
        } else {
            shared.cancelled(task.priority());
        }
        finished();
    }

    void delayedCancelled(Task<?> task) {
        leftQueue();
        shared.cancelled(task.priority());
        finished();
    }

    boolean isQuiescent() {
        return runState.isQuiescent();
    }

    /** Nothing is pending and nothing will be accepted: wake every thread so that it exits. */
    private void quiesce() {
        idle.closeAndWakeAll();
        delayed.stop();
        if (clock != null) {
            clock.stop();
        }
        if (spares != null) {
            spares.urgent().stop();
        }
    }

    void workerExited(Worker w) {
        if (w.urgent) {
            spares.urgent().exited();
        } else if (w.spare) {
            spares.exited(w);
        }
        threadExited();
    }

    /** The urgent thread of this scheduler (there is one only with a spares' budget). */
    UrgentThread urgentThread() {
        return spares.urgent();
    }

    /** A worker is about to run a task: if every worker is now busy, watch for a stall. */
    void taskStarting() {
        Spares s = spares;
        if (s != null && s.watching() && !s.isArmed() && idle.allBusy()) {
            s.stallPossible();
        }
    }

    /** A spare worker's thread is about to start: it counts among the live threads until it exits. */
    void spareStarting() {
        if (runState.isQuiescent()) {
            throw new IllegalStateException("the scheduler has terminated"); // no thread after termination
        }
        runState.threadsStarting(1);
    }

    /** A spare's thread could not be started after spareStarting. */
    void spareExited() {
        threadExited();
    }

    /**
     * Runs {@code check} on the timer thread after {@code delayNanos}, as an internal entry: not a
     * task, not counted, not returned by shutdownNow, never delaying termination.
     *
     * @return false if there is no timer thread (the thread factory refused it)
     */
    boolean watchLater(Runnable check, long delayNanos) {
        try {
            delayed.ensureTimer();
        } catch (RuntimeException | Error e) {
            return false;
        }
        delayed.scheduleInternal(check, delayNanos);
        return true;
    }

    /**
     * Blocks in the manner of {@link java.util.concurrent.ForkJoinPool#managedBlock}: for code
     * running on an Echo worker that knows it is about to wait (a remote call, a lock, another
     * task's result). If work is queued, a spare worker starts at once (up to the scheduler's
     * maxWorkers), so the pool keeps serving while this worker waits; otherwise the scheduler
     * watches for a stall. Then {@code blocker.block()} is called until it or
     * {@code isReleasable()} says the wait is over. On any other thread it simply blocks.
     *
     * @throws InterruptedException if {@code blocker.block()} is interrupted
     */
    public static void managedBlock(java.util.concurrent.ForkJoinPool.ManagedBlocker blocker) throws InterruptedException {
        Objects.requireNonNull(blocker, "blocker");
        Worker w = Worker.CURRENT.get();
        if (w != null && !blocker.isReleasable() && w.scheduler.spares != null) {
            w.scheduler.spares.aboutToBlock();
        }
        while (!blocker.isReleasable()) {
            if (blocker.block()) {
                return;
            }
        }
    }

    /** The most workers (regular and spare) that may run at once. */
    public int maxWorkers() {
        return workers.length + (spares == null ? 0 : spares.maxSpares());
    }

    /** The clock that stamps forks, or null (tests). */
    CoarseClock coarseClock() {
        return clock;
    }

    /** The size of the largest ring of the scheduler's queues now (tests: rings grow and are trimmed). */
    int largestRingCapacity() {
        return queue.largestRingCapacity();
    }

    /** The clock thread is about to start: it counts among the live threads until it exits. */
    void clockStarting() {
        runState.threadsStarting(1);
    }

    void clockExited() {
        threadExited();
    }

    /** The timer thread is about to start: it counts among the live threads until it exits. */
    void timerStarting() {
        runState.threadsStarting(1);
    }

    void timerExited() {
        threadExited();
    }

    private void threadExited() {
        if (runState.threadExited()) {
            LOG.info(() -> "Echo scheduler '" + name + "' terminated: " + metrics().finished() + " tasks finished");
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void shutdown() {
        runState.advanceTo(RunState.SHUTDOWN);
        returnRingCredits(); // after the state: see admitOutside
        runState.tryTerminate(); // terminates at once only if nothing is pending
    }

    /**
     * Stops at once: no new tasks; queued and delayed tasks that never started are returned
     * (their futures stay incomplete, as with {@link java.util.concurrent.ThreadPoolExecutor});
     * running tasks are interrupted; async tasks waiting for their stage are cancelled.
     */
    @Override
    public List<Runnable> shutdownNow() {
        runState.advanceTo(RunState.STOP);
        // Hold the count above zero while draining so termination waits for the drain.
        boolean holding = runState.tryAccept();
        returnRingCredits(); // after the state: see admitOutside
        List<Runnable> notStarted = new ArrayList<>();
        List<Job> resumptions = new ArrayList<>();
        for (Task<?> t : delayed.drain()) {
            dropUnstarted(t, notStarted);
        }
        queue.drainTo(t -> {
            if (t.isResumption()) {
                resumptions.add(t); // already started: let it finish on a worker
            } else {
                shared.drained(t.priority());
                dropUnstarted(t, notStarted);
            }
        });
        for (Job t : resumptions) {
            push(t);
        }
        for (AsyncTask<?> a : awaiting.toArray(new AsyncTask<?>[0])) {
            a.cancel(true);
        }
        for (Worker w : workers) {
            w.interrupt();
        }
        if (spares != null) {
            spares.interruptAll();
        }
        if (holding) {
            finished();
        } else {
            runState.tryTerminate();
        }
        if (!notStarted.isEmpty()) {
            LOG.info(() -> "Echo scheduler '" + name + "' stopped now: returned " + notStarted.size() + " tasks that never started");
        }
        return notStarted;
    }

    private void dropUnstarted(Job t, List<Runnable> notStarted) {
        leftQueue();
        if (t.isDone()) {
            shared.cancelled(t.priority());
        } else {
            shared.returned();
            notStarted.add(t);
        }
        finished();
    }

    /**
     * Graceful stop: stops accepting, runs every accepted task, waits until the workers have
     * exited. If the calling thread is interrupted while waiting, the scheduler keeps draining
     * in the background and the interrupt flag is set again.
     */
    public void stop() {
        shutdown();
        try {
            while (!awaitTermination(1, TimeUnit.DAYS)) {
                // keep waiting: graceful means every accepted task runs
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Graceful stop with a deadline: like {@link #stop()} until {@code timeout}; then whatever
     * has not started is dropped and returned, running tasks are interrupted, and the call
     * waits up to {@code timeout} again for them to end.
     *
     * @return the accepted tasks that were dropped without starting (empty if all ran)
     */
    public List<Runnable> stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("stop timeout must not be negative, was " + timeout);
        }
        shutdown();
        try {
            if (awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return List.of();
            }
            List<Runnable> dropped = shutdownNow();
            if (!awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warning(() -> "Echo scheduler '" + name + "': running tasks ignored interruption for " + timeout);
            }
            return dropped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return shutdownNow();
        }
    }

    /** Same as {@link #stop()}: graceful, blocks until every accepted task has run. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public boolean isShutdown() {
        return !runState.isRunning();
    }

    @Override
    public boolean isTerminated() {
        return runState.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return runState.awaitTermination(timeout, unit);
    }

    // ------------------------------------------------------------------ introspection

    /** The name given to the builder; worker threads are named {@code name-worker-i}. */
    public String name() {
        return name;
    }

    public int workerCount() {
        return workers.length;
    }

    public Duration agingThreshold() {
        return agingThreshold;
    }

    /** The queue capacity, or {@link Integer#MAX_VALUE} if unbounded. */
    public int queueCapacity() {
        return capacity;
    }

    /** A cheap snapshot of the counters; see {@link SchedulerMetrics}. */
    public SchedulerMetrics metrics() {
        return MetricsSnapshot.take(workers, shared, this::acceptedOutside, idle.parkedCount(), delayed.size(), awaiting.size(), runState.isRunning(),
                spares);
    }

    @Override
    public String toString() {
        return "Scheduler[" + name + ", workers=" + workers.length + ", " + (isTerminated() ? "terminated"
                : isShutdown() ? "shutting down" : "running") + "]";
    }

    /** Submits at a fixed priority; the default executor of the futures this scheduler returns. */
    private final class PriorityExecutor implements Executor {
        private final Priority priority;

        PriorityExecutor(Priority priority) {
            this.priority = priority;
        }

        @Override
        public void execute(Runnable command) {
            Objects.requireNonNull(command, "command");
            Task<Void> task = new Task<>(command, priority, this);
            if (!runState.tryAccept()) {
                throw reject(task, "it has terminated");
            }
            // A dependent stage continues work that was already accepted, so it is accepted
            // during a graceful shutdown too (like an async resumption); only termination ends it.
            shared.acceptedReady(priority);
            if (capacity != Integer.MAX_VALUE) {
                queued.incrementAndGet();
            }
            try {
                push(task);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "could not queue a dependent stage", e);
                throw e;
            }
        }

        @Override
        public String toString() {
            return name + "@" + priority;
        }
    }
}
