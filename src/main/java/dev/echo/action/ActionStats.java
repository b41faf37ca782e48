package dev.echo.action;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per action name: runs finished, failures, retries, cancellations and total duration — kept
 * in-process (LongAdders) whether or not MicroProfile Metrics is present.
 */
public final class ActionStats implements ActionObserver {

    /** The figures of one action name. */
    public record Figures(long count, long failures, long retries, long cancelled, Duration totalDuration) {
    }

    private static final class Cell {
        final LongAdder count = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    private final Map<String, Cell> cells = new ConcurrentHashMap<>();

    private Cell cell(String name) {
        return cells.computeIfAbsent(name, n -> new Cell());
    }

    @Override
    public void retrying(Action action, int failedAttempt, Duration wait) {
        cell(action.name()).retries.increment();
    }

    @Override
    public void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
        Cell c = cell(action.name());
        c.count.increment();
        c.nanos.add(elapsed.toNanos());
        if (state == ActionRun.State.FAILED) {
            c.failures.increment();
        } else if (state == ActionRun.State.CANCELLED) {
            c.cancelled.increment();
        }
    }

    /** A snapshot, by action name. */
    public Map<String, Figures> snapshot() {
        Map<String, Figures> out = new TreeMap<>();
        cells.forEach((name, c) -> out.put(name, new Figures(c.count.sum(), c.failures.sum(), c.retries.sum(),
                c.cancelled.sum(), Duration.ofNanos(c.nanos.sum()))));
        return out;
    }
}
