package dev.echo.bench;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * B1 external submit throughput: tiny tasks submitted from one or two threads outside the pool,
 * in bursts of {@value #BURST}, each burst waited for. Tasks per second; compare the peers of one
 * run as ratios, never absolute figures across runs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SubmitThroughputBenchmark {

    static final int BURST = 10_000;

    @Param({"ECHO", "FORKJOIN_ASYNC", "TPE_FIFO", "TPE_PRIORITY"})
    public Peers peer;

    @Param({"2"})
    public int workers;

    private Peers.Pool target;

    @Setup(Level.Trial)
    public void start() {
        target = peer.create(workers);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        target.close();
    }

    private void burst() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BURST);
        Runnable tiny = () -> {
            Blackhole.consumeCPU(20);
            done.countDown();
        };
        for (int i = 0; i < BURST; i++) {
            target.submit(tiny, dev.echo.task.Priority.NORMAL);
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(peer + " lost tasks: " + done.getCount() + " never ran");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void oneSubmitter() throws InterruptedException {
        burst();
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BURST)
    public void twoSubmitters() throws InterruptedException {
        burst();
    }
}
