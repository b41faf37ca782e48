package dev.echo.scheduler;

import dev.echo.metrics.TaskObserver;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds a {@link Scheduler}. Every setting has a default; bad values are rejected at once with
 * an {@link IllegalArgumentException} that names the setting and the value.
 *
 * <pre>{@code
 * Scheduler s = SchedulerBuilder.create().workerCount(4).name("orders").build();
 * }</pre>
 */
public final class SchedulerBuilder {

    /** Default ageing threshold: a task waiting this long overtakes fresher, more urgent work. */
    public static final Duration DEFAULT_AGING_THRESHOLD = Duration.ofMillis(500);
    /** {@link #DEFAULT_AGING_THRESHOLD} in milliseconds. */
    public static final long DEFAULT_AGING_MILLIS = 500;
    /**
     * The stall threshold Echo's Jakarta EE layer uses by default ({@code echo.stall.threshold}):
     * EE code blocks. A plain {@link SchedulerBuilder} has no stall watch unless one is set.
     */
    public static final Duration DEFAULT_STALL_THRESHOLD = Duration.ofMillis(200);
    /** The most workers a scheduler may have (ForkJoinPool's limit too). */
    public static final int MAX_WORKERS = 32_767;
    /** Default name, used as the prefix of thread names. */
    public static final String DEFAULT_NAME = "echo";

    private int workerCount = Runtime.getRuntime().availableProcessors();
    private ThreadFactory threadFactory;
    /** {@code null}: rename only the default factory's threads. */
    private Boolean nameThreads;
    private Duration agingThreshold = DEFAULT_AGING_THRESHOLD;
    private int queueCapacity = Integer.MAX_VALUE;
    private String name = DEFAULT_NAME;
    private TaskObserver taskObserver;
    private int maxWorkers = -1; // default: computed from workerCount at build
    /** Null: no stall watch (spares only through managedBlock). */
    private Duration stallThreshold;

    private SchedulerBuilder() {
    }

    /** A builder with the defaults: one worker per available processor, unbounded queue. */
    public static SchedulerBuilder create() {
        return new SchedulerBuilder();
    }

    /** Number of worker threads, at least 1. Default: available processors. */
    public SchedulerBuilder workerCount(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workerCount must be at least 1, was " + workers);
        }
        this.workerCount = workers;
        return this;
    }

    /**
     * Where worker (and timer) threads come from — in Jakarta EE, the container's
     * {@code ManagedThreadFactory}. Default: daemon threads of normal priority, which the
     * scheduler names {@code name-worker-i}, {@code name-timer}, ... A supplied factory's threads
     * keep the names it gave them (code and tests may rely on them) unless
     * {@link #nameThreads(boolean) nameThreads(true)} is asked for.
     */
    public SchedulerBuilder threadFactory(ThreadFactory factory) {
        this.threadFactory = Objects.requireNonNull(factory, "threadFactory must not be null");
        return this;
    }

    /**
     * Whether the scheduler renames its threads {@code name-worker-i}, {@code name-timer},
     * {@code name-urgent}, {@code name-spare-i} (where the factory allows renaming). Default: yes
     * with the default factory, no with a supplied one.
     */
    public SchedulerBuilder nameThreads(boolean rename) {
        this.nameThreads = rename;
        return this;
    }

    /**
     * Anti-starvation deadline: a NORMAL or LOW task that would otherwise keep waiting behind
     * fresher, more urgent work is served before it so that it starts within about this long
     * (it is promoted a little earlier, to absorb the look-up interval of min(threshold/8, 5 ms)).
     * Must be positive. Default: {@value #DEFAULT_AGING_MILLIS} ms.
     */
    public SchedulerBuilder agingThreshold(Duration threshold) {
        Objects.requireNonNull(threshold, "agingThreshold must not be null");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("agingThreshold must be positive, was " + threshold);
        }
        this.agingThreshold = threshold;
        return this;
    }

    /**
     * Most tasks that may wait to start at once (ready or delayed); beyond it submissions fail
     * with {@link java.util.concurrent.RejectedExecutionException}. Must be at least 1.
     * Default: unbounded.
     */
    public SchedulerBuilder queueCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + capacity);
        }
        this.queueCapacity = capacity;
        return this;
    }

    /** Name of the scheduler, the prefix of its thread names. Must not be blank. */
    public SchedulerBuilder name(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name.strip();
        return this;
    }

    /**
     * Hears each task's wait and run time on the worker thread (see {@link TaskObserver}).
     * Default: none, and then the worker makes no call at all.
     */
    public SchedulerBuilder taskObserver(TaskObserver observer) {
        this.taskObserver = Objects.requireNonNull(observer, "taskObserver must not be null");
        return this;
    }

    /**
     * The most workers that may run at once, counting spares: a spare worker is added when a task
     * is about to block ({@link Scheduler#managedBlock}) or, with a {@link #stallThreshold}, when
     * every worker is busy, tasks are queued and none has started for that long; spares retire
     * when idle. {@code maxWorkers == workerCount} turns compensation off. Default: {@code max(workerCount + 4, 4 × workerCount)}, at most
     * {@value #MAX_WORKERS}. Must be at least the worker count (checked by {@link #build()}).
     */
    public SchedulerBuilder maxWorkers(int max) {
        if (max < 1 || max > MAX_WORKERS) {
            throw new IllegalArgumentException("maxWorkers must be from 1 to " + MAX_WORKERS + ", was " + max);
        }
        this.maxWorkers = max;
        return this;
    }

    /**
     * Turns on the stall watch: when no task has started for this long, while every worker is
     * busy and work is queued, a spare worker is added (see {@link #maxWorkers(int)}). Must be
     * positive. Default: off, as in {@code ForkJoinPool}: without it spares come only through
     * {@link Scheduler#managedBlock}. Echo's Jakarta EE layer turns it on (200 ms), because EE
     * code blocks.
     */
    public SchedulerBuilder stallThreshold(Duration threshold) {
        Objects.requireNonNull(threshold, "stallThreshold must not be null");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("stallThreshold must be positive, was " + threshold);
        }
        this.stallThreshold = threshold;
        return this;
    }

    /** Starts the workers and returns the running scheduler. */
    public Scheduler build() {
        if (maxWorkers != -1 && maxWorkers < workerCount) {
            throw new IllegalArgumentException("maxWorkers must be at least workerCount (" + workerCount + "), was " + maxWorkers);
        }
        return new Scheduler(this);
    }

    int maxWorkers() {
        return maxWorkers != -1 ? maxWorkers : defaultMaxWorkers(workerCount);
    }

    /** {@code max(workers + 4, 4 × workers)}, at most {@value #MAX_WORKERS}. */
    public static int defaultMaxWorkers(int workers) {
        return (int) Math.min(MAX_WORKERS, Math.max(workers + 4L, 4L * workers));
    }

    /** The stall threshold, or null when the stall watch is off. */
    Duration stallThreshold() {
        return stallThreshold;
    }

    int workerCount() {
        return workerCount;
    }

    ThreadFactory threadFactory() {
        return threadFactory != null ? threadFactory : new DefaultThreadFactory();
    }

    boolean nameThreads() {
        return nameThreads != null ? nameThreads : threadFactory == null;
    }

    Duration agingThreshold() {
        return agingThreshold;
    }

    int queueCapacity() {
        return queueCapacity;
    }

    String name() {
        return name;
    }

    TaskObserver taskObserver() {
        return taskObserver;
    }

    /** Daemon threads, so a forgotten scheduler does not keep the JVM alive. */
    private static final class DefaultThreadFactory implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "echo-thread-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY);
            return t;
        }
    }
}
