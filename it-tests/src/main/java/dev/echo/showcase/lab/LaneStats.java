package dev.echo.showcase.lab;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the demo tasks of one lane (one executor) did: how many were submitted, started and
 * finished per kind, and their queue waits (submit-to-start, from the intended submit time).
 *
 * <h2>Invariants</h2>
 * Tasks record on any thread through the atomics and the HdrHistogram {@link Recorder}s (both
 * wait-free for writers). {@link #tick} — once a second, on the lab's driver thread — moves the
 * recorders' interval histograms into {@code window} (the last {@value #WINDOW_TICKS} seconds)
 * and computes the throughput; {@code window}, {@code lastFinished} and {@code throughput} are
 * guarded by {@code this}.
 */
public final class LaneStats {

    static final int WINDOW_TICKS = 5;
    private static final long MAX_WAIT_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Map<Kind, AtomicLong> submitted = counters();
    private final Map<Kind, AtomicLong> started = counters();
    private final Map<Kind, AtomicLong> finished = counters();
    private final Map<Kind, Recorder> waits = new EnumMap<>(Kind.class);
    private final Map<Kind, Deque<Histogram>> window = new EnumMap<>(Kind.class);
    private long lastFinished;
    private long lastTickNanos = System.nanoTime();
    private double throughput;

    LaneStats() {
        for (Kind k : Kind.values()) {
            waits.put(k, new Recorder(MAX_WAIT_MICROS, 3));
            window.put(k, new ArrayDeque<>());
        }
    }

    private static Map<Kind, AtomicLong> counters() {
        Map<Kind, AtomicLong> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            m.put(k, new AtomicLong());
        }
        return m;
    }

    void submitted(Kind kind) {
        submitted.get(kind).incrementAndGet();
    }

    /** A submission the executor refused: it will never start. */
    void refused(Kind kind) {
        submitted.get(kind).decrementAndGet();
    }

    void started(Kind kind, long waitNanos) {
        started.get(kind).incrementAndGet();
        waits.get(kind).recordValue(Math.min(MAX_WAIT_MICROS, Math.max(0, waitNanos / 1000)));
    }

    void finished(Kind kind) {
        finished.get(kind).incrementAndGet();
    }

    /** Once a second: roll the wait window and measure throughput (finished tasks per second). */
    synchronized void tick() {
        for (Kind k : Kind.values()) {
            Deque<Histogram> w = window.get(k);
            w.addLast(waits.get(k).getIntervalHistogram());
            while (w.size() > WINDOW_TICKS) {
                w.removeFirst();
            }
        }
        long now = System.nanoTime();
        long done = 0;
        for (Kind k : Kind.values()) {
            done += finished.get(k).get();
        }
        throughput = (done - lastFinished) / ((now - lastTickNanos) / 1e9);
        lastFinished = done;
        lastTickNanos = now;
    }

    synchronized double throughput() {
        return throughput;
    }

    /** Tasks submitted but not started yet: the lane's queue, as its submitter sees it. */
    long waiting(Kind kind) {
        return Math.max(0, submitted.get(kind).get() - started.get(kind).get());
    }

    long finishedCount(Kind kind) {
        return finished.get(kind).get();
    }

    /** p50 / p99 / max wait in milliseconds over the last few seconds, and how many tasks started then. */
    synchronized Map<String, Object> recentWaits(Kind kind) {
        Histogram merged = new Histogram(MAX_WAIT_MICROS, 3);
        for (Histogram h : window.get(kind)) {
            merged.add(h);
        }
        return percentiles(merged);
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(50) / 1000.0);
        m.put("p99", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99) / 1000.0);
        m.put("max", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0);
        return m;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> queued = new LinkedHashMap<>();
        Map<String, Object> done = new LinkedHashMap<>();
        Map<String, Object> waitsJson = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            queued.put(k.name(), waiting(k));
            done.put(k.name(), finishedCount(k));
            waitsJson.put(k.name(), recentWaits(k));
        }
        m.put("waiting", queued);
        m.put("finished", done);
        m.put("throughput", Math.round(throughput()));
        m.put("wait", waitsJson);
        return m;
    }
}
