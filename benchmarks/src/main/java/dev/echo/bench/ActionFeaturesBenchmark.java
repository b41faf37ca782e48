package dev.echo.bench;

import dev.echo.action.Action;
import dev.echo.action.ActionRun;
import dev.echo.action.Plan;
import dev.echo.action.RunContext;
import dev.echo.action.Sequence;
import dev.echo.action.cache.CanonicalJson;
import dev.echo.action.cache.ResultCache;
import dev.echo.action.limit.AttemptTimeout;
import dev.echo.action.limit.KeyedTokenBuckets;
import dev.echo.action.limit.TokenBucket;
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
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

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cost of issue 31's features on the in-memory action path: actions of a function that returns
 * its content at once, submitted and run to SUCCEEDED in bursts of {@value #BURST}, with every
 * feature off ({@code OFF}, the peer) against every feature on, in the same run:
 * <ul>
 *   <li>a per-caller rate limit taken at acceptance ({@code KeyedTokenBuckets}, a limit never reached),</li>
 *   <li>{@code max-starts} ({@code Sequence.limitStarts}, a limit never reached),</li>
 *   <li>an adaptive timeout ({@code Sequence.timeAttempts}: a timer and an interrupt watch per attempt, a sample per success),</li>
 *   <li>the result cache as {@code EchoActions} uses it: the content's canonical digest, a look-up,
 *       and a put after each run ({@code ON_MISS}: every content new) or a cached run
 *       ({@code ON_HIT}: one content, answered by {@code Sequence.submitCached}).</li>
 * </ul>
 * Actions per second; read the ratio to {@code OFF} of the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ActionFeaturesBenchmark {

    static final int BURST = 1_000;

    /**
     * {@code OFF}: none (the peer). {@code ON_MISS}/{@code ON_HIT}: all. The others one each, to say
     * where the cost is: {@code RATE_LIMIT}, {@code MAX_STARTS}, {@code ADAPTIVE_TIMEOUT},
     * {@code CLIENT_TIMEOUT} (a client's fixed 30 s {@code metadata.timeout}, the mechanism every
     * timeout already used before issue 31), {@code CACHE_MISS}.
     */
    public enum Features { OFF, ON_MISS, ON_HIT, RATE_LIMIT, MAX_STARTS, ADAPTIVE_TIMEOUT, CLIENT_TIMEOUT, CACHE_MISS }

    @Param({"OFF", "ON_MISS", "ON_HIT", "RATE_LIMIT", "MAX_STARTS", "ADAPTIVE_TIMEOUT", "CLIENT_TIMEOUT", "CACHE_MISS"})
    public Features features;

    private Scheduler scheduler;
    private Sequence sequence;
    private KeyedTokenBuckets<String> rateLimit;
    private final TokenBucket generous = new TokenBucket(1_000_000_000L, Duration.ofSeconds(1));
    private ResultCache cache;
    private long counter;

    @Setup(Level.Trial)
    public void start() {
        scheduler = SchedulerBuilder.create().workerCount(2).name("bench-actions").build();
        sequence = new Sequence(scheduler, Plan.builder().add("quote", c -> c).build(), Map.of());
        boolean all = features == Features.ON_MISS || features == Features.ON_HIT;
        if (all || features == Features.MAX_STARTS) {
            sequence.limitStarts("quote", 1_000_000_000L, Duration.ofSeconds(1));
        }
        if (all || features == Features.ADAPTIVE_TIMEOUT) {
            sequence.timeAttempts("quote", AttemptTimeout.adaptive(3, 100, Duration.ofMillis(100), Duration.ofSeconds(30)));
        }
        if (all || features == Features.RATE_LIMIT) {
            rateLimit = new KeyedTokenBuckets<>(System::nanoTime);
        }
        if (all || features == Features.CACHE_MISS) {
            cache = new ResultCache(64L * 1024 * 1024, System::nanoTime);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        scheduler.stop(Duration.ofSeconds(10));
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst() throws Exception {
        CompletableFuture<?>[] runs = new CompletableFuture<?>[BURST];
        for (int i = 0; i < BURST; i++) {
            long n = counter++;
            Object content = Map.of("order", features == Features.ON_HIT ? 42L : n, "currency", "EUR");
            Action action = new Action("a" + n, "quote", content, Priority.NORMAL,
                    features == Features.CLIENT_TIMEOUT ? CLIENT_TIMEOUT : Action.Metadata.NONE);
            runs[i] = submit(action).completion();
        }
        CompletableFuture.allOf(runs).get(60, TimeUnit.SECONDS);
    }

    private static final Action.Metadata CLIENT_TIMEOUT = new Action.Metadata(null, null, null, null, null,
            Duration.ofSeconds(30), null, null);

    /** What EchoActions does per submission with the features on: limit, digest, look-up, run or cached run, keep. */
    private ActionRun submit(Action action) {
        if (rateLimit != null && !rateLimit.acquire("quote|caller:alice", generous).taken()) {
            throw new IllegalStateException("the generous limit was reached");
        }
        if (cache == null) {
            return sequence.submit(action, Set.of());
        }
        ResultCache.Key key = new ResultCache.Key("quote", "caller:alice", CanonicalJson.digest(action.content()));
        var hit = cache.get(key);
        if (hit.isPresent()) {
            return sequence.submitCached(action, RunContext.NONE, hit.get().result());
        }
        ActionRun run = sequence.submit(action, Set.of());
        run.completion().thenAccept(result -> cache.put(key, result, 600, Duration.ofHours(1)));
        return run;
    }
}
