package dev.echo.showcase.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Something the user started from the page (a backlog, HIGH probes, a flood, a side-by-side
 * run), with its progress, so long operations are visible on the page rather than in a log.
 * {@code done} is an atomic counter; {@code state} and {@code detail} are volatile and written
 * by the one thread that drives the operation at each stage.
 */
public final class Operation {

    public enum State { RUNNING, DONE, FAILED }

    private final long id;
    private final String kind;
    private final String lane;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final long startedAtMillis = System.currentTimeMillis();
    /** Written by the operation's driver; read by dashboards. */
    private volatile State state = State.RUNNING;
    private volatile String detail;

    Operation(long id, String kind, String lane, long total, String detail) {
        this.id = id;
        this.kind = kind;
        this.lane = lane;
        this.total = total;
        this.detail = detail;
    }

    public long id() {
        return id;
    }

    void advance() {
        if (done.incrementAndGet() >= total && state == State.RUNNING) {
            state = State.DONE;
        }
    }

    void advanceTo(long value) {
        done.accumulateAndGet(value, Math::max);
        if (done.get() >= total && state == State.RUNNING) {
            state = State.DONE;
        }
    }

    void detail(String text) {
        detail = text;
    }

    void finish(String text) {
        detail = text;
        done.accumulateAndGet(total, Math::max);
        state = State.DONE;
    }

    void fail(String why) {
        detail = why;
        state = State.FAILED;
    }

    boolean running() {
        return state == State.RUNNING;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind);
        m.put("lane", lane);
        m.put("state", state.name());
        m.put("progress", total == 0 ? 1.0 : Math.min(1.0, done.get() / (double) total));
        m.put("done", Math.min(done.get(), total));
        m.put("total", total);
        m.put("detail", detail);
        m.put("startedAt", startedAtMillis);
        return m;
    }
}
