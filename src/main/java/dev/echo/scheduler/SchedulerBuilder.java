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
    /** Default name, used as the prefix of thread names. */
    public static final String DEFAULT_NAME = "echo";

    private int workerCount = Runtime.getRuntime().availableProcessors();
    private ThreadFactory threadFactory;
    private Duration agingThreshold = DEFAULT_AGING_THRESHOLD;
    private int queueCapacity = Integer.MAX_VALUE;
    private String name = DEFAULT_NAME;
    private TaskObserver taskObserver;

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
     * {@code ManagedThreadFactory}. Default: daemon threads of normal priority. The scheduler
     * names each thread {@code name-worker-i} if the factory allows renaming.
     */
    public SchedulerBuilder threadFactory(ThreadFactory factory) {
        this.threadFactory = Objects.requireNonNull(factory, "threadFactory must not be null");
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

    /** Starts the workers and returns the running scheduler. */
    public Scheduler build() {
        return new Scheduler(this);
    }

    int workerCount() {
        return workerCount;
    }

    ThreadFactory threadFactory() {
        return threadFactory != null ? threadFactory : new DefaultThreadFactory();
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
