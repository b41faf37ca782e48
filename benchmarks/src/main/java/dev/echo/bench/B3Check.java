package dev.echo.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;

/**
 * B3 with 1 and 2 workers: with 2 workers on a 2-core machine the HIGH generator competes with
 * the busy workers for a core, so the OS scheduling delay enters the measured latency; with 1
 * worker the generator has a core of its own. {@code java -cp benchmarks/target/benchmarks.jar dev.echo.bench.B3Check}
 */
public final class B3Check {

    private B3Check() {
    }

    public static void main(String[] args) throws Exception {
        for (int workers : new int[]{1, 2}) {
            // Echo with an ageing threshold above the backlog's wait (200 x 1 ms / workers):
            // no LOW task ages, so no aged LOW task is served ahead of a HIGH one
            dev.echo.scheduler.Scheduler s = dev.echo.scheduler.SchedulerBuilder.create().workerCount(workers)
                    .agingThreshold(Duration.ofSeconds(5)).name("b3").build();
            Histogram noAging = HighLatencyUnderBacklog.run(new Peers.Pool("ECHO_AGING_5S", s, s::execute), workers,
                    Duration.ofSeconds(2), Duration.ofSeconds(10));
            System.out.printf("B3 workers=%d %-13s p50=%8.1f µs p99=%8.1f µs p99.9=%8.1f µs max=%8.1f µs%n", workers,
                    "ECHO_AGING_5S", noAging.getValueAtPercentile(50) / 1e3, noAging.getValueAtPercentile(99) / 1e3,
                    noAging.getValueAtPercentile(99.9) / 1e3, noAging.getMaxValue() / 1e3);
            for (Peers p : new Peers[]{Peers.ECHO, Peers.TPE_PRIORITY}) {
                Histogram h = HighLatencyUnderBacklog.run(p, workers, Duration.ofSeconds(2), Duration.ofSeconds(10));
                System.out.printf("B3 workers=%d %-13s p50=%8.1f µs p99=%8.1f µs p99.9=%8.1f µs max=%8.1f µs%n", workers, p,
                        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                        h.getMaxValue() / 1e3);
            }
        }
    }
}
