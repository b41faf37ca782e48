package dev.echo.cdi.action.jms;

import dev.echo.cdi.action.RunBook;

import dev.echo.action.ActionRun;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * This server's view of every action run of the application, on every server, when actions
 * travel over Jakarta Messaging: fed by this server's own transitions at once and by the
 * run-state topic for the others' (eventually, within the topic's delivery time).
 *
 * <p>Invariants (all state guarded by {@code this}): only final runs are dropped ({@code finals}
 * holds exactly the kept final runs, in the order they became final), the least
 * recently changed first, while more than {@code capacity} runs are kept or their estimated
 * weight ({@code bytes}, the sum of {@link RunStatus#weight}) is over {@code capacityBytes} (5,000
 * results of 64 KiB held 313 MiB on every server when only the count was bounded); a run not yet
 * final is never dropped, so its submitter can always read and cancel it ({@code live} and
 * {@code liveByOwner} count them, for the admission of new submissions); a run's final state, once
 * known, is never replaced ({@link RunStatus#supersedes}); a key leads only to a kept run of the
 * same owner; a cancel request is remembered (bounded like the runs) until the run's final state
 * arrives.
 */
public final class RunBoard {

    private record Key(RunBook.Owner owner, String key) {
    }

    private final int capacity;
    private final long capacityBytes;
    /** Insertion order, a changed run moved to the end: the least recently changed first. */
    private final Map<String, RunStatus> runs = new LinkedHashMap<>();
    private final Map<Key, String> keys = new HashMap<>();
    private final Set<String> cancelRequested;
    private long bytes;
    /** The kept final runs, in the order they became final: what trimming drops, oldest first. */
    private final java.util.LinkedHashSet<String> finals = new java.util.LinkedHashSet<>();
    private int live;
    private final Map<RunBook.Owner, Integer> liveByOwner = new HashMap<>();

    /** A board bounded by count only (tests). */
    public RunBoard(int capacity) {
        this(capacity, Long.MAX_VALUE);
    }

    public RunBoard(int capacity, long capacityBytes) {
        this.capacity = capacity;
        this.capacityBytes = capacityBytes;
        this.cancelRequested = java.util.Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > RunBoard.this.capacity;
            }
        });
    }

    /** Told of every final state the board takes (replaced whole, never changed; called under the board's monitor: keep it short). */
    private volatile java.util.function.Consumer<RunStatus> onFinal = s -> { };

    /** Registers what is told of every final state this board takes (e.g. to keep a result for the cache). */
    public void onFinal(java.util.function.Consumer<RunStatus> listener) {
        this.onFinal = java.util.Objects.requireNonNull(listener, "listener");
    }

    /** Takes {@code status} unless what is known supersedes it; {@code true} if it was taken. */
    synchronized boolean apply(RunStatus status) {
        RunStatus old = runs.get(status.id());
        if (!status.supersedes(old)) {
            return false;
        }
        if (old != null) {
            runs.remove(status.id()); // re-inserted below: the least recently changed run is the eldest
            bytes -= old.weight();
            if (!old.isFinal()) {
                countLive(old.owner(), -1);
            }
        }
        runs.put(status.id(), status);
        bytes += status.weight();
        if (!status.isFinal()) {
            countLive(status.owner(), +1);
        }
        if (status.key() != null && status.owner().keepsKeys()) {
            keys.put(new Key(status.owner(), status.key()), status.id());
        }
        if (status.isFinal()) {
            cancelRequested.remove(status.id());
            finals.add(status.id()); // a final state is never replaced: added once
        }
        trim(status.id());
        if (status.isFinal()) {
            try {
                onFinal.accept(status);
            } catch (RuntimeException e) {
                // a listener must not stop the board from taking states
                java.util.logging.Logger.getLogger(RunBoard.class.getName()).log(java.util.logging.Level.WARNING,
                        "Echo: a listener of final run states failed", e);
            }
        }
        return true;
    }

    private void countLive(RunBook.Owner owner, int delta) {
        live += delta;
        liveByOwner.merge(owner, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Drops the least recently changed final runs while over either cap; the newest stays. */
    private void trim(String newest) {
        // only final runs are candidates, in the order they became final: no walk past the live
        // ones on every state the topic brings
        var oldest = finals.iterator();
        while (oldest.hasNext() && runs.size() > 1 && (runs.size() > capacity || bytes > capacityBytes)) {
            String id = oldest.next();
            if (id.equals(newest)) {
                continue; // the state just taken stays
            }
            oldest.remove();
            RunStatus s = runs.remove(id);
            if (s != null) {
                bytes -= s.weight();
                if (s.key() != null) {
                    keys.remove(new Key(s.owner(), s.key()), s.id());
                }
            }
        }
    }

    /** Runs not yet final on this board (every server's, as far as this server has heard). */
    public synchronized int live() {
        return live;
    }

    /** Runs of {@code owner} not yet final on this board. */
    public synchronized int live(RunBook.Owner owner) {
        return liveByOwner.getOrDefault(owner, 0);
    }

    /** The kept states' estimated weight, in bytes. */
    public synchronized long bytes() {
        return bytes;
    }

    synchronized Optional<RunStatus> get(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    /** The run if {@code caller} may see it (its owner, or the application). */
    public synchronized Optional<RunStatus> find(String id, RunBook.Owner caller) {
        RunStatus s = runs.get(id);
        return s != null && caller.mayFindRunsOf(s.owner()) ? Optional.of(s) : Optional.empty();
    }

    /** The kept run {@code owner} submitted with {@code key}, if any. */
    public synchronized Optional<RunStatus> byKey(RunBook.Owner owner, String key) {
        if (key == null || !owner.keepsKeys()) {
            return Optional.empty();
        }
        String id = keys.get(new Key(owner, key));
        return id == null ? Optional.empty() : Optional.ofNullable(runs.get(id));
    }

    public synchronized boolean contains(String id) {
        return runs.containsKey(id);
    }

    synchronized void requestCancel(String id) {
        RunStatus s = runs.get(id);
        if (s == null || !s.isFinal()) {
            cancelRequested.add(id);
        }
    }

    synchronized boolean cancelRequested(String id) {
        return cancelRequested.contains(id);
    }

    /** Final runs per server that ran them, and runs in progress (for the dashboard). */
    public synchronized Map<String, Map<ActionRun.State, Integer>> byServer() {
        Map<String, Map<ActionRun.State, Integer>> out = new java.util.TreeMap<>();
        for (RunStatus s : runs.values()) {
            if (s.deliveries() > 0) {
                out.computeIfAbsent(s.server(), k -> new java.util.EnumMap<>(ActionRun.State.class))
                        .merge(s.state(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The kept states {@code server} published (what it republishes for a server that joins). */
    synchronized java.util.List<RunStatus> publishedBy(String server) {
        return runs.values().stream().filter(s -> s.server().equals(server)).toList();
    }

    synchronized int size() {
        return runs.size();
    }
}
