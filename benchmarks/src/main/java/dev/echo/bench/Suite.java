package dev.echo.bench;

import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the whole suite (B1-B5, B7; B6 needs Liberty, see benchmarks/liberty-b6.sh) and writes
 * {@code RESULTS.md} and the B3 chart into the given directory (default: {@code benchmarks}).
 * Every figure is reported next to the peers measured in the same run, as ratios.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.echo.bench.Suite [outputDir]</pre>
 */
public final class Suite {

    private static final int WORKERS = 2;

    private final StringBuilder md = new StringBuilder();
    private final Path out;

    private Suite(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks");
        // an optional second argument picks parts, e.g. "b3,b4" (default: all of B1-B5 and B7)
        java.util.Set<String> parts = args.length > 1 ? java.util.Set.of(args[1].toLowerCase(Locale.ROOT).split(","))
                : java.util.Set.of("b1", "b2", "b3", "b4", "b5", "b7");
        Files.createDirectories(out);
        new Suite(out).run(parts);
    }

    private void run(java.util.Set<String> parts) throws Exception {
        header();
        if (parts.contains("b1") || parts.contains("b2")) {
            b1b2();
        }
        if (parts.contains("b3")) {
            b3();
        }
        if (parts.contains("b4")) {
            b4();
        }
        if (parts.contains("b5")) {
            b5();
        }
        if (parts.contains("b7")) {
            b7();
        }
        Path b6 = out.resolve("RESULTS-B6.md");
        md.append("\n## B6 in Liberty\n\n");
        if (Files.exists(b6)) {
            md.append("From the last run of `bash benchmarks/liberty-b6.sh` (a separate run: Liberty cannot run inside ")
                    .append("this JVM), Echo's injected executor against `java:comp/DefaultManagedExecutorService`, ")
                    .append("both capturing context per task. Targets: throughput ≥ 1.0×, HIGH p99 ≥ 100× better.\n\n")
                    .append(Files.readString(b6).replaceFirst("^# ", "### "));
        } else {
            md.append("Run `bash benchmarks/liberty-b6.sh` first: it writes RESULTS-B6.md, which this report embeds.\n");
        }
        Files.writeString(out.resolve("RESULTS.md"), md.toString());
        System.out.println("wrote " + out.resolve("RESULTS.md"));
    }

    private void header() {
        Runtime rt = Runtime.getRuntime();
        md.append("# Echo benchmark results\n\n")
                .append("One run of `java -cp benchmarks/target/benchmarks.jar dev.echo.bench.Suite`. ")
                .append("Ratios compare peers measured in the same run; absolute figures on a shared machine mean little.\n\n")
                .append("| | |\n|---|---|\n")
                .append("| date | ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append(" |\n")
                .append("| machine | ").append(rt.availableProcessors()).append(" processors (").append(cpuModel()).append("), ")
                .append(rt.maxMemory() / (1 << 20)).append(" MiB max heap, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(" |\n")
                .append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n")
                .append("| workers | ").append(WORKERS).append(" per pool; Echo ageing threshold ").append(Peers.AGING.toMillis()).append(" ms |\n\n");
    }

    /**
     * The processor's model name (Linux: /proc/cpuinfo), or "model unknown". The ratios depend on
     * it: on an AMD EPYC (Zen 4) ForkJoinPool ran B2 two to three times as fast as on the
     * machine of earlier runs while Echo gained far less (docs/benchmarks.md, sixth session).
     */
    static String cpuModel() {
        try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("model unknown");
        } catch (java.io.IOException | RuntimeException e) {
            return "model unknown";
        }
    }

    // ------------------------------------------------------------------ B1, B2 (JMH)

    /** JMH forks per peer for B1/B2, each a separate run, peers interleaved fork by fork. */
    static final int B12_FORKS = 5;

    /**
     * B1 and B2 with every fork a run of its own and the peers interleaved (fork 1 of every peer,
     * then fork 2, ...), so that a slow minute of this shared machine hits one fork of each peer
     * rather than all forks of one. Each row reports the mean of the forks' scores and, as the
     * figure to judge, the median of the per-fork ratios (Echo's fork i against the peer's fork i).
     */
    private void b1b2() throws Exception {
        List<String> b1Peers = List.of("ECHO", "FORKJOIN_ASYNC", "TPE_FIFO", "TPE_PRIORITY");
        Map<String, double[]> scores = new LinkedHashMap<>(); // "bench/peer" -> one score per fork
        for (int fork = 0; fork < B12_FORKS; fork++) {
            for (String bench : List.of("oneSubmitter", "twoSubmitters")) {
                for (String peer : b1Peers) {
                    record(scores, "SubmitThroughputBenchmark." + bench, peer, fork, 1);
                }
            }
            for (String peer : List.of("ECHO", "FORKJOIN_ASYNC")) {
                record(scores, "FanOutBenchmark.tree", peer, fork, 2);
            }
        }
        md.append("## B1 external submit throughput (tasks/s, JMH)\n\n")
                .append("Target: Echo ≥ 0.8× ForkJoinPool and ≥ 2× TPE FIFO with one submitter; ≥ 0.5× FJP and ≥ 2× TPE FIFO with two. ")
                .append(B12_FORKS).append(" forks per peer, each a separate run, peers interleaved fork by fork; ")
                .append("scores are the mean of the forks (min-max); ratios are the **median of the per-fork ratios** ")
                .append("(each fork's ratio in brackets).\n\n")
                .append("| submitters | Echo | ForkJoinPool | TPE FIFO | TPE priority | Echo/FJP | Echo/TPE FIFO | Echo/TPE prio |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (String bench : List.of("oneSubmitter", "twoSubmitters")) {
            String k = "SubmitThroughputBenchmark." + bench + "/";
            double[] e = scores.get(k + "ECHO");
            md.append("| ").append(bench.startsWith("one") ? 1 : 2).append(" | ").append(ops(e))
                    .append(" | ").append(ops(scores.get(k + "FORKJOIN_ASYNC"))).append(" | ").append(ops(scores.get(k + "TPE_FIFO")))
                    .append(" | ").append(ops(scores.get(k + "TPE_PRIORITY"))).append(" | ")
                    .append(ratio(e, scores.get(k + "FORKJOIN_ASYNC"))).append(" | ").append(ratio(e, scores.get(k + "TPE_FIFO")))
                    .append(" | ").append(ratio(e, scores.get(k + "TPE_PRIORITY"))).append(" |\n");
        }
        double[] e = scores.get("FanOutBenchmark.tree/ECHO");
        double[] f = scores.get("FanOutBenchmark.tree/FORKJOIN_ASYNC");
        md.append("\n## B2 fan-out (leaves/s of a 2^20-leaf tree forked from inside workers)\n\n")
                .append("Target: Echo ≥ 0.8× ForkJoinPool (async mode). Same method as B1.\n\n")
                .append("| Echo | ForkJoinPool | Echo/FJP |\n|---|---|---|\n")
                .append("| ").append(ops(e)).append(" | ").append(ops(f)).append(" | ").append(ratio(e, f)).append(" |\n");
    }

    /** One JMH fork of {@code benchmark} (a method, "Class.method") for {@code peer}; its score goes to slot {@code fork}. */
    private static void record(Map<String, double[]> scores, String benchmark, String peer, int fork, int seconds)
            throws Exception {
        Options options = new OptionsBuilder()
                .include(benchmark.replace(".", "\\.") + "$")
                .param("peer", peer)
                .warmupIterations(3).warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(5).measurementTime(TimeValue.seconds(seconds))
                .forks(1)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        RunResult r = results.iterator().next();
        scores.computeIfAbsent(benchmark + "/" + peer, k -> new double[B12_FORKS])[fork] = r.getPrimaryResult().getScore();
    }

    /** The median of the per-fork ratios {@code a[i] / b[i]}, each ratio in brackets. */
    static String ratio(double[] a, double[] b) {
        if (a == null || b == null) {
            return "n/a";
        }
        double[] ratios = new double[a.length];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
            each.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", ratios[i]));
        }
        return String.format(Locale.ROOT, "**%.2f×** (%s)", median(ratios), each);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Mean of the forks' scores, with their min and max. */
    private static String ops(double[] s) {
        if (s == null) {
            return "n/a";
        }
        double sum = 0, min = Double.MAX_VALUE, max = 0;
        for (double x : s) {
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return String.format(Locale.ROOT, "%.2f M (%.2f-%.2f)", sum / s.length / 1e6, min / 1e6, max / 1e6);
    }

    // ------------------------------------------------------------------ B3

    static final int B3_ROUNDS = 3;

    /**
     * B3 in {@value #B3_ROUNDS} rounds with the peers interleaved, so that a stall of this shared
     * machine hits one round of one peer rather than all of its figures; the table merges the
     * rounds and also shows each round's p99. Run with the pool's usual worker count and, as a
     * control, with one worker fewer than cores, so that the open-loop generator has a core of
     * its own and the operating system's scheduling delay leaves the measurement.
     */
    private void b3() throws Exception {
        md.append("\n## B3 HIGH submit-to-start latency under a LOW backlog (µs, open loop, HdrHistogram)\n\n")
                .append("Backlog of ").append(HighLatencyUnderBacklog.LOW_BACKLOG).append(" LOW tasks of 1 ms kept full; ")
                .append("a HIGH task every 5 ms, latency from its intended submit time; ").append(B3_ROUNDS)
                .append(" rounds of 10 s per executor, executors interleaved. Target: Echo p99 ≤ 1.2 ms.\n");
        Map<String, Histogram> byPeer = b3Table(WORKERS, List.of(Peers.ECHO, Peers.TPE_PRIORITY, Peers.TPE_FIFO));
        Histogram echo = byPeer.get("ECHO");
        Histogram fifo = byPeer.get("TPE_FIFO");
        Histogram prio = byPeer.get("TPE_PRIORITY");
        md.append("\nEcho p99 vs FIFO TPE: ").append(String.format(Locale.ROOT, "%.1f× lower", (double) fifo.getValueAtPercentile(99)
                / Math.max(1, echo.getValueAtPercentile(99)))).append("; vs priority TPE: ")
                .append(String.format(Locale.ROOT, "%.2f×", (double) prio.getValueAtPercentile(99) / Math.max(1, echo.getValueAtPercentile(99))))
                .append(" (above 1 means Echo is lower).\n\n![B3 latency percentiles](b3-latency.png)\n");
        chart(byPeer);
        if (WORKERS > 1) {
            md.append("\nControl: the same with ").append(WORKERS - 1)
                    .append(" worker(s), so that the generator does not compete with busy workers for a core:\n");
            b3Table(WORKERS - 1, List.of(Peers.ECHO, Peers.TPE_PRIORITY));
        }
    }

    private Map<String, Histogram> b3Table(int workers, List<Peers> peers) throws Exception {
        Map<String, Histogram> merged = new LinkedHashMap<>();
        Map<String, List<String>> roundP99 = new LinkedHashMap<>();
        for (int round = 1; round <= B3_ROUNDS; round++) {
            for (Peers p : peers) {
                System.out.println("B3 workers=" + workers + " round " + round + " " + p);
                Histogram h = HighLatencyUnderBacklog.run(p, workers, Duration.ofSeconds(2), Duration.ofSeconds(10));
                merged.computeIfAbsent(p.name(), k -> new Histogram(3)).add(h);
                roundP99.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(us(h.getValueAtPercentile(99)));
            }
        }
        md.append("\n| executor (").append(workers).append(" workers) | count | p50 | p99 | p99.9 | max | p99 of each round |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (var e : merged.entrySet()) {
            Histogram h = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(h.getTotalCount()).append(" | ")
                    .append(us(h.getValueAtPercentile(50))).append(" | ").append(us(h.getValueAtPercentile(99))).append(" | ")
                    .append(us(h.getValueAtPercentile(99.9))).append(" | ").append(us(h.getMaxValue())).append(" | ")
                    .append(String.join(" / ", roundP99.get(e.getKey()))).append(" |\n");
        }
        return merged;
    }

    private void chart(Map<String, Histogram> byPeer) throws Exception {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title("B3: HIGH submit-to-start latency under a LOW backlog").xAxisTitle("percentile")
                .yAxisTitle("latency (µs, log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        // bars start at zero, which a log axis cannot draw: plot the percentiles as lines
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> labels = List.of("p50", "p90", "p99", "p99.9", "max");
        for (var e : byPeer.entrySet()) {
            Histogram h = e.getValue();
            List<Double> values = new ArrayList<>();
            for (double p : new double[]{50, 90, 99, 99.9}) {
                values.add(Math.max(1.0, h.getValueAtPercentile(p) / 1000.0));
            }
            values.add(Math.max(1.0, h.getMaxValue() / 1000.0));
            chart.addSeries(e.getKey(), labels, values);
        }
        BitmapEncoder.saveBitmap(chart, out.resolve("b3-latency").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    // ------------------------------------------------------------------ B4

    private void b4() throws Exception {
        md.append("\n## B4 starvation: LOW waits under a HIGH flood at ~100 % load (ms)\n\n")
                .append("Target: Echo LOW wait p99 ≤ the ageing threshold (").append(Peers.AGING.toMillis())
                .append(" ms); a LOW task never started counts with its wait so far.\n\n")
                .append("| executor | LOW tasks | never started | p50 | p99 | max |\n|---|---|---|---|---|---|\n");
        for (Peers p : List.of(Peers.ECHO, Peers.TPE_PRIORITY)) {
            System.out.println("B4 " + p);
            Starvation.Result r = Starvation.run(p, WORKERS, Duration.ofSeconds(10));
            Histogram h = r.lowWaits();
            md.append("| ").append(p.name()).append(" | ").append(r.lowSubmitted()).append(" | ").append(r.lowNeverStarted())
                    .append(" | ").append(ms(h.getValueAtPercentile(50))).append(" | ").append(ms(h.getValueAtPercentile(99)))
                    .append(" | ").append(ms(h.getMaxValue())).append(" |\n");
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    // ------------------------------------------------------------------ B5

    /** B5 wake-ups: blocks of this many per peer (a multiple of the three gaps), peers interleaved block by block. */
    static final int B5_PER_BLOCK = 60;
    static final int B5_BLOCKS = 10;

    private void b5() throws Exception {
        List<Peers> peers = List.of(Peers.ECHO, Peers.FORKJOIN_ASYNC, Peers.TPE_FIFO, Peers.TPE_PRIORITY);
        md.append("\n## B5 idle pool and wake-up\n\n")
                .append("CPU the whole JVM used while the idle pool sat for 10 s (target ~0), and submit-to-start latency ")
                .append("after idle gaps of 1/10/100 ms (target p50 ≤ 50 µs; p99 ≤ 2× the best peer). ")
                .append(B5_BLOCKS * B5_PER_BLOCK).append(" wake-ups per executor, in ").append(B5_BLOCKS)
                .append(" blocks of ").append(B5_PER_BLOCK).append(", the executors interleaved block by block.\n\n")
                .append("| executor | idle CPU (ms / 10 s) | wake-up p50 (µs) | p90 (µs) | p99 (µs) |\n|---|---|---|---|---|\n");
        long[] idleCpu = new long[peers.size()];
        for (int p = 0; p < peers.size(); p++) {
            System.out.println("B5 idle " + peers.get(p));
            idleCpu[p] = IdleAndWakeUp.idleCpuNanos(peers.get(p), WORKERS, Duration.ofSeconds(10));
        }
        System.out.println("B5 wake-ups");
        Histogram[] wake = IdleAndWakeUp.wakeUps(peers, WORKERS, B5_BLOCKS, B5_PER_BLOCK);
        long bestPeerP99 = Long.MAX_VALUE;
        for (int p = 0; p < peers.size(); p++) {
            md.append("| ").append(peers.get(p).name()).append(" | ").append(ms(idleCpu[p])).append(" | ")
                    .append(us(wake[p].getValueAtPercentile(50))).append(" | ").append(us(wake[p].getValueAtPercentile(90)))
                    .append(" | ").append(us(wake[p].getValueAtPercentile(99))).append(" |\n");
            if (p > 0) {
                bestPeerP99 = Math.min(bestPeerP99, wake[p].getValueAtPercentile(99));
            }
        }
        md.append("\nEcho's wake-up p99 / the best peer's: **")
                .append(String.format(Locale.ROOT, "%.2f", wake[0].getValueAtPercentile(99) / (double) bestPeerP99))
                .append("×** (≤ 2× is the target).\n");
    }

    // ------------------------------------------------------------------ B7

    private void b7() throws Exception {
        int count = 1_000_000;
        md.append("\n## B7 memory: bytes retained per queued task, ").append(count).append(" queued\n\n")
                .append("Every task is the same shared lambda, so all retained bytes are executor overhead. ")
                .append("Target: Echo ≤ 40 bytes with `execute` (ECHO), ≤ 64 with `submit` (ECHO_SUBMIT).\n\n| executor | bytes/task |\n|---|---|\n");
        for (Peers p : Peers.values()) { // ECHO queues with execute (no future), ECHO_SUBMIT with submit
            System.out.println("B7 " + p);
            md.append("| ").append(p.name()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", QueuedMemory.bytesPerTask(p, WORKERS, count))).append(" |\n");
        }
        md.append("\n(JVM: ").append(ManagementFactory.getRuntimeMXBean().getInputArguments()).append(")\n");
    }
}
