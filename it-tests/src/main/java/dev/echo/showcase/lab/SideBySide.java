package dev.echo.showcase.lab;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The result of one side-by-side run: the same LOW backlog and the same HIGH probes on Echo and
 * on Liberty's default executor, and each one's HIGH wait percentiles. The recorders are written
 * by the probe tasks and read once all probes finished ({@code result} is guarded by
 * {@code this}).
 */
final class SideBySide {
    final int backlog;
    final int probes;
    final Map<String, Recorder> waits = Map.of("echo", new Recorder(3), "liberty", new Recorder(3));
    final Map<String, AtomicLong> finished = Map.of("echo", new AtomicLong(), "liberty", new AtomicLong());
    /** Set once, right after construction, by the thread that registered the run. */
    volatile Operation op;
    private Map<String, Histogram> result;

    SideBySide(int backlog, int probes) {
        this.backlog = backlog;
        this.probes = probes;
    }

    /** A probe on {@code lane} waited {@code waitNanos} and started. */
    void probeStarted(String lane, long waitNanos) {
        waits.get(lane).recordValue(Math.max(0, waitNanos / 1000));
    }

    void probeFinished(String lane) {
        finished.get(lane).incrementAndGet();
    }

    long finishedProbes() {
        return finished.get("echo").get() + finished.get("liberty").get();
    }

    synchronized Map<String, Histogram> result() {
        if (result == null) {
            result = Map.of("echo", waits.get("echo").getIntervalHistogram(), "liberty", waits.get("liberty").getIntervalHistogram());
        }
        return result;
    }

    String summary() {
        Histogram e = result().get("echo"), l = result().get("liberty");
        if (e.getTotalCount() == 0 || l.getTotalCount() == 0) {
            return "no probe finished on " + (e.getTotalCount() == 0 ? "Echo" : "Liberty");
        }
        double ep99 = e.getValueAtPercentile(99) / 1000.0, lp99 = l.getValueAtPercentile(99) / 1000.0;
        return String.format(Locale.ROOT, "HIGH wait p99: Echo %.2f ms, Liberty's default executor %.2f ms (%.0fx lower with Echo)",
                ep99, lp99, lp99 / Math.max(ep99, 0.001));
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", op.id());
        m.put("backlog", backlog);
        m.put("probes", probes);
        m.put("echo", LaneStats.percentiles(result().get("echo")));
        m.put("liberty", LaneStats.percentiles(result().get("liberty")));
        m.put("summary", summary());
        return m;
    }
}
