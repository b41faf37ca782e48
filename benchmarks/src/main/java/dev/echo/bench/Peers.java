package dev.echo.bench;

import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The executors compared, all with the same number of workers. */
public enum Peers {
    ECHO {
        @Override
        Target create(int workers) {
            Scheduler s = SchedulerBuilder.create().workerCount(workers).name("bench").build();
            return new Target(s, r -> s.execute(r, Priority.NORMAL));
        }
    },
    FORKJOIN_ASYNC {
        @Override
        Target create(int workers) {
            ForkJoinPool p = new ForkJoinPool(workers, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
            return new Target(p, p::execute);
        }
    },
    TPE_FIFO {
        @Override
        Target create(int workers) {
            ThreadPoolExecutor p = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            p.prestartAllCoreThreads();
            return new Target(p, p::execute);
        }
    };

    abstract Target create(int workers);

    record Target(ExecutorService executor, Consumer<Runnable> submit) {
        void close() throws InterruptedException {
            executor.shutdown();
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(executor + " did not terminate");
            }
        }
    }
}
