package dev.echo.bench;

import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The executors compared, all with the same number of workers. */
public enum Peers {
    /** Echo, with its default ageing threshold unless a benchmark sets one. */
    ECHO {
        @Override
        public Pool create(int workers) {
            Scheduler s = SchedulerBuilder.create().workerCount(workers).agingThreshold(AGING).name("bench").build();
            return new Pool(name(), s, s::execute);
        }
    },
    /** Echo through {@code submit}: each task is also its future (B7 reports it beside {@code execute}). */
    ECHO_SUBMIT {
        @Override
        public Pool create(int workers) {
            Scheduler s = SchedulerBuilder.create().workerCount(workers).agingThreshold(AGING).name("bench").build();
            return new Pool(name(), s, s::submit);
        }
    },
    /** ForkJoinPool in async (FIFO) mode: what users pick for throughput. No priorities. */
    FORKJOIN_ASYNC {
        @Override
        public Pool create(int workers) {
            ForkJoinPool p = new ForkJoinPool(workers, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
            return new Pool(name(), p, (r, prio) -> p.execute(r));
        }
    },
    /** ThreadPoolExecutor on a LinkedBlockingQueue: the FIFO default. No priorities. */
    TPE_FIFO {
        @Override
        public Pool create(int workers) {
            ThreadPoolExecutor p = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            p.prestartAllCoreThreads();
            return new Pool(name(), p, (r, prio) -> p.execute(r));
        }
    },
    /**
     * The usual hand-rolled "priority executor": ThreadPoolExecutor on a PriorityBlockingQueue,
     * ordered by priority then submission sequence (FIFO tie-break). No ageing.
     */
    TPE_PRIORITY {
        @Override
        public Pool create(int workers) {
            PriorityBlockingQueue<Runnable> queue = new PriorityBlockingQueue<>(1024,
                    Comparator.comparing((Runnable r) -> ((Prioritised) r).priority).thenComparingLong(r -> ((Prioritised) r).seq));
            ThreadPoolExecutor p = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, queue);
            p.prestartAllCoreThreads();
            AtomicLong seq = new AtomicLong();
            return new Pool(name(), p, (r, prio) -> p.execute(new Prioritised(r, prio, seq.getAndIncrement())));
        }
    };

    /** Echo's ageing threshold in the benchmarks (B4 reports LOW waits against it). */
    public static final Duration AGING = Duration.ofMillis(100);

    public abstract Pool create(int workers);

    /** Submits at a priority (ignored by the peers that have none). */
    @FunctionalInterface
    public interface Submitter {
        void submit(Runnable task, Priority priority);
    }

    public record Pool(String name, ExecutorService executor, Submitter submitter) {
        public void submit(Runnable task, Priority priority) {
            submitter.submit(task, priority);
        }

        public void close() throws InterruptedException {
            executor.shutdownNow();
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not terminate");
            }
        }
    }

    private static final class Prioritised implements Runnable {
        final Runnable task;
        final Priority priority;
        final long seq;

        Prioritised(Runnable task, Priority priority, long seq) {
            this.task = task;
            this.priority = priority;
            this.seq = seq;
        }

        @Override
        public void run() {
            task.run();
        }
    }
}
