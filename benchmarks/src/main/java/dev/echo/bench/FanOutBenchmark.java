package dev.echo.bench;

import dev.echo.task.Priority;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * B2 fan-out: a binary tree of 2^20 (~1M) leaves where every inner task submits its two children
 * from inside a worker (Echo: the worker's own deque; ForkJoinPool: the worker's own queue), and
 * idle workers steal. Leaves per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class FanOutBenchmark {

    static final int DEPTH = 20;
    static final long LEAVES = 1L << DEPTH;

    @Param({"ECHO", "FORKJOIN_ASYNC"})
    public Peers peer;

    @Param({"2"})
    public int workers;

    private Peers.Pool pool;

    @Setup(Level.Trial)
    public void start() {
        pool = peer.create(workers);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        pool.close();
    }

    @Benchmark
    @OperationsPerInvocation(1 << DEPTH)
    public void tree() throws InterruptedException {
        AtomicLong leaves = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        pool.submit(() -> split(DEPTH, leaves, done), Priority.NORMAL);
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(peer + " lost leaves: " + leaves.get() + " of " + LEAVES);
        }
    }

    private void split(int depth, AtomicLong leaves, CountDownLatch done) {
        if (depth == 0) {
            if (leaves.incrementAndGet() == LEAVES) {
                done.countDown();
            }
            return;
        }
        pool.submit(() -> split(depth - 1, leaves, done), Priority.NORMAL);
        pool.submit(() -> split(depth - 1, leaves, done), Priority.NORMAL);
    }
}
