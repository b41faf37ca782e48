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
 * <p>A run that has not ended (live) is never forgotten, so its submitter can always read and
 * cancel it; instead, live runs are bounded when they are admitted ({@link #expect}): at most
 * {@code maxLive} in all, {@code maxLivePerCaller} per owner (the application excepted), and
 * their actions' estimated weight within {@code capacityBytes}; a submission beyond is refused
 * with {@link TooManyLiveRunsException}. Chained runs are counted when they start but never
 * refused: their submission was admitted whole, and its size is bounded ({@link SubmissionBudget}).
 *
 * <p>Invariants (all state guarded by {@code this}): only final runs are dropped ({@code finals},
 * in the order they ended, holds exactly the kept final runs), the oldest first,
 * while more than {@code capacity} runs are kept or their estimated weight ({@code bytes}, the sum
 * of their {@link Kept#weight}) is over {@code capacityBytes}; {@code live} counts the runs
 * expected or recorded and not yet ended, {@code liveByOwner} the same per owner and
 * {@code liveBytes} their actions' weight (each counted once: at {@link #expect}, or at
 * {@link #started} for a run nobody expected, and released once, when it ends or is unexpected);
 * an owner is fixed when a run is recorded and never changes; a chained run (id
 * {@code parent:name}) has its parent's owner; a key leads only to a kept run of the same owner (a
 * key whose run was dropped is forgotten on the next look-up).
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
    public static final long OVERHEAD_BYTES = 512;

    private record Key(Owner owner, String key) {
    }

    private final int capacity;
    private final long capacityBytes;
    private final int maxLive;
    private final int maxLivePerCaller;
    /** The sum of the kept runs' weights. */
    private long bytes;
    /** The kept runs that have ended, in the order they ended: what trimming may drop, oldest first. */
    private final java.util.LinkedHashSet<String> finals = new java.util.LinkedHashSet<>();
    /** The run recorded last: never dropped (the newest stays even when it alone is too heavy). */
    private String newest;
    /** Runs admitted and not ended, in all, per owner, and their actions' weight. */
    private int live;
    private final Map<Owner, Integer> liveByOwner = new HashMap<>();
    private long liveBytes;
    private final Map<String, Kept> runs = new LinkedHashMap<>();
    private final Map<Key, String> keys;
    /** Owners named for a run about to start (its id), taken when it is recorded. */
    private final Map<String, Owner> expected = new HashMap<>();
    /** Weights measured before a run's hand-over (its id), taken when it is recorded. */
    private final Map<String, Long> expectedWeights = new HashMap<>();

    /** A book that admits any number of live runs (tests, and the embedders of the SE API). */
    public RunBook(int capacity, long capacityBytes) {
        this(capacity, capacityBytes, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    public RunBook(int capacity, long capacityBytes, int maxLive, int maxLivePerCaller) {
        this.capacity = capacity;
        this.capacityBytes = capacityBytes;
        this.maxLive = maxLive;
        this.maxLivePerCaller = maxLivePerCaller;
        // a key of a live run must outlive the final runs' cap: live runs are never dropped
        int keyCapacity = (int) Math.min(Integer.MAX_VALUE, (long) capacity + maxLive);
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > keyCapacity;
            }
        };
    }

    /**
     * Admits the run {@code id} about to start, which belongs to {@code owner} and weighs
     * {@code weight}: counted live from now on.
     *
     * @throws TooManyLiveRunsException when {@code maxLive} runs are live, {@code owner} (not the
     *                                  application) has {@code maxLivePerCaller}, or the live
     *                                  actions' weight would pass {@code capacityBytes}
     */
    public synchronized void expect(String id, Owner owner, long weight) {
        Objects.requireNonNull(owner, "owner");
        if (live >= maxLive) {
            throw new TooManyLiveRunsException(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE, maxLive);
        }
        if (!owner.application() && liveByOwner.getOrDefault(owner, 0) >= maxLivePerCaller) {
            throw new TooManyLiveRunsException(dev.echo.cdi.config.EchoConfig.ACTIONS_MAX_LIVE_PER_CALLER, maxLivePerCaller);
        }
        if (live > 0 && liveBytes + weight > capacityBytes) {
            throw new TooManyLiveRunsException(dev.echo.cdi.config.EchoConfig.ACTIONS_KEPT_BYTES, capacityBytes);
        }
        expected.put(id, owner);
        expectedWeights.put(id, weight);
        countLive(owner, weight, +1);
    }

    /** Forgets an expectation whose run never started (its hand-over failed): no longer live. */
    public synchronized void unexpect(String id) {
        Owner owner = expected.remove(id);
        Long weight = expectedWeights.remove(id);
        if (owner != null) {
            countLive(owner, weight == null ? 0 : weight, -1);
        }
    }

    private void countLive(Owner owner, long weight, int delta) {
        live += delta;
        liveBytes += delta * weight;
        liveByOwner.merge(owner, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Runs admitted and not ended. */
    synchronized int live() {
        return live;
    }

    /** Live runs of {@code owner}. */
    synchronized int live(Owner owner) {
        return liveByOwner.getOrDefault(owner, 0);
    }

    /**
     * Records a started run: the owner expected for it, else its parent's (chained runs). Its
     * result is weighed when it ends (on the thread that ends it, outside the book's lock).
     */
    void started(ActionRun run) {
        Long measured;
        synchronized (this) {
            measured = expectedWeights.get(run.action().id());
        }
        // a submitted run was weighed before its hand-over, outside that lock; a chained one here
        long weight = measured != null ? measured : weigh(run.action());
        Kept kept = record(run, weight);
        run.completion().whenComplete((result, failure) -> {
            long resultWeight = failure == null && result != null ? weigh(result) : 0;
            synchronized (this) {
                countLive(kept.owner(), weight, -1); // ended: no longer live, and now a final run that may be dropped
                if (runs.get(run.action().id()) == kept) { // not replaced meanwhile
                    kept.weight += resultWeight;
                    bytes += resultWeight;
                    finals.add(run.action().id());
                }
                trim();
            }
        });
    }

    private synchronized Kept record(ActionRun run, long weight) {
        String id = run.action().id();
        Owner owner = expected.remove(id);
        boolean admitted = owner != null;
        expectedWeights.remove(id);
        for (int cut = id.lastIndexOf(':'); owner == null && cut > 0; cut = id.lastIndexOf(':', cut - 1)) {
            Kept parent = runs.get(id.substring(0, cut));
            owner = parent == null ? null : parent.owner();
        }
        Kept kept = new Kept(run, owner == null ? Owner.ANONYMOUS : owner, weight);
        if (!admitted) {
            countLive(kept.owner(), weight, +1); // a chained run: its submission was admitted whole
        }
        Kept replaced = runs.put(id, kept);
        bytes += weight - (replaced == null ? 0 : replaced.weight);
        if (replaced != null) {
            finals.remove(id);
        }
        newest = id;
        trim();
        return kept;
    }

    /**
     * Drops the oldest final runs while over either cap; live runs stay whatever the caps say
     * (they are bounded when admitted), and so does the newest run when it alone is too heavy.
     */
    private void trim() {
        // only final runs are candidates, in the order they ended: no walk past the live ones (up
        // to max-live of them) on every record and every end
        var oldest = finals.iterator();
        while (oldest.hasNext() && runs.size() > 1 && (runs.size() > capacity || bytes > capacityBytes)) {
            String id = oldest.next();
            if (id.equals(newest)) {
                continue; // the newest run stays, even when it alone is too heavy
            }
            oldest.remove();
            Kept k = runs.remove(id);
            if (k != null) {
                bytes -= k.weight;
            }
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
