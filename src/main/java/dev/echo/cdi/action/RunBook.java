package dev.echo.cdi.action;

import dev.echo.action.ActionRun;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runs an application keeps for {@code GET}/{@code DELETE /actions/{id}}: each with the
 * {@link Owner} who submitted it, and the idempotency keys, scoped to their owner, that lead back
 * to a run.
 *
 * <p>Invariants (all state guarded by {@code this}): at most {@code capacity} runs are kept, and
 * their estimated weight ({@code bytes}, the sum of their {@link Kept#weight}) stays within
 * {@code capacityBytes} unless the newest run alone is heavier; the oldest are dropped first; an owner is fixed when a run is recorded and never changes; a chained run
 * (id {@code parent:name}) has its parent's owner; a key leads only to a kept run of the same
 * owner (a key whose run was dropped is forgotten on the next look-up).
 */
public final class RunBook {

    /**
     * Who submitted a run. The application (code calling {@link EchoActions#submit}) sees every
     * run; a named caller sees only its own; an anonymous caller owns nothing it could find
     * again, because every anonymous caller would be the same owner.
     */
    public record Owner(String name, boolean application) {

        public static final Owner APPLICATION = new Owner("", true);
        public static final Owner ANONYMOUS = new Owner("", false);

        public static Owner caller(String principalName) {
            return principalName == null || principalName.isEmpty() ? ANONYMOUS : new Owner(principalName, false);
        }

        public boolean mayFindRunsOf(Owner owner) {
            return application || (!name.isEmpty() && equals(owner));
        }

        public boolean keepsKeys() {
            return application || !name.isEmpty();
        }
    }

    /** A kept run, its owner, and its estimated weight: the action now, its result added when it ends. */
    private static final class Kept {
        final ActionRun run;
        final Owner owner;
        long weight; // guarded by the book

        Kept(ActionRun run, Owner owner, long weight) {
            this.run = run;
            this.owner = owner;
            this.weight = weight;
        }

        Owner owner() {
            return owner;
        }

        ActionRun run() {
            return run;
        }
    }

    /**
     * Estimated bytes a value takes in memory: two per character of its JSON form, plus a fixed
     * overhead for the objects around it. An estimate on purpose: measuring the object graph
     * exactly would cost more than keeping it.
     */
    static long weigh(Object jsonLike) {
        return OVERHEAD_BYTES + 2L * ActionJson.toJson(jsonLike).toString().length();
    }

    /** What an action costs kept: its JSON form (content, metadata, chain) and the overhead. */
    public static long weigh(dev.echo.action.Action action) {
        return OVERHEAD_BYTES + 2L * ActionJson.write(action).length();
    }

    /** What a kept run costs beyond its content and result (the run, its record, map entries). */
    static final long OVERHEAD_BYTES = 512;

    private record Key(Owner owner, String key) {
    }

    private final int capacity;
    private final long capacityBytes;
    /** The sum of the kept runs' weights. */
    private long bytes;
    private final Map<String, Kept> runs = new LinkedHashMap<>();
    private final Map<Key, String> keys;
    /** Owners named for a run about to start (its id), taken when it is recorded. */
    private final Map<String, Owner> expected = new HashMap<>();
    /** Weights measured before a run's hand-over (its id), taken when it is recorded. */
    private final Map<String, Long> expectedWeights = new HashMap<>();

    public RunBook(int capacity, long capacityBytes) {
        this.capacity = capacity;
        this.capacityBytes = capacityBytes;
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > RunBook.this.capacity;
            }
        };
    }

    /** The run {@code id} about to start belongs to {@code owner}. */
    public synchronized void expect(String id, Owner owner, long weight) {
        expected.put(id, Objects.requireNonNull(owner, "owner"));
        expectedWeights.put(id, weight);
    }

    /** Forgets an expectation whose run never started (its hand-over failed). */
    public synchronized void unexpect(String id) {
        expected.remove(id);
        expectedWeights.remove(id);
    }

    /**
     * Records a started run: the owner expected for it, else its parent's (chained runs). Its
     * result is weighed when it ends (on the thread that ends it, outside the book's lock).
     */
    void started(ActionRun run) {
        Long measured;
        synchronized (this) {
            measured = expectedWeights.remove(run.action().id());
        }
        // a submitted run was weighed before its hand-over, outside that lock; a chained one here
        Kept kept = record(run, measured != null ? measured : weigh(run.action()));
        run.completion().whenComplete((result, failure) -> {
            if (failure == null && result != null) {
                long resultWeight = weigh(result);
                synchronized (this) {
                    if (runs.get(run.action().id()) == kept) { // not dropped meanwhile
                        kept.weight += resultWeight;
                        bytes += resultWeight;
                        trim();
                    }
                }
            }
        });
    }

    private synchronized Kept record(ActionRun run, long weight) {
        String id = run.action().id();
        Owner owner = expected.remove(id);
        for (int cut = id.lastIndexOf(':'); owner == null && cut > 0; cut = id.lastIndexOf(':', cut - 1)) {
            Kept parent = runs.get(id.substring(0, cut));
            owner = parent == null ? null : parent.owner();
        }
        Kept kept = new Kept(run, owner == null ? Owner.ANONYMOUS : owner, weight);
        Kept replaced = runs.put(id, kept);
        bytes += weight - (replaced == null ? 0 : replaced.weight);
        trim();
        return kept;
    }

    /** Drops the oldest runs while over either cap; the newest run stays even when it alone is too heavy. */
    private void trim() {
        var eldest = runs.values().iterator();
        while (runs.size() > capacity || (bytes > capacityBytes && runs.size() > 1)) {
            bytes -= eldest.next().weight;
            eldest.remove();
        }
    }

    /** The kept runs' estimated weight, in bytes. */
    synchronized long bytes() {
        return bytes;
    }

    /** How many runs are kept. */
    synchronized int size() {
        return runs.size();
    }

    /** The kept runs' ids, oldest first. */
    synchronized java.util.List<String> ids() {
        return java.util.List.copyOf(runs.keySet());
    }

    synchronized boolean contains(String id) {
        return runs.containsKey(id) || expected.containsKey(id);
    }

    public synchronized Optional<ActionRun> find(String id, Owner caller) {
        Kept kept = runs.get(id);
        return kept != null && caller.mayFindRunsOf(kept.owner()) ? Optional.of(kept.run()) : Optional.empty();
    }

    /** The kept run {@code owner} submitted with {@code key}, if any. */
    synchronized Optional<ActionRun> byKey(Owner owner, String key) {
        if (key == null || !owner.keepsKeys()) {
            return Optional.empty();
        }
        Key k = new Key(owner, key);
        String id = keys.get(k);
        Kept kept = id == null ? null : runs.get(id);
        if (kept == null || !kept.owner().equals(owner)) {
            keys.remove(k);
            return Optional.empty();
        }
        return Optional.of(kept.run());
    }

    synchronized void key(Owner owner, String key, String id) {
        if (key != null && owner.keepsKeys()) {
            keys.put(new Key(owner, key), id);
        }
    }
}
