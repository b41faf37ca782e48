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
 * <p>Invariants (all state guarded by {@code this}): at most {@code capacity} runs are kept, the
 * oldest dropped first; an owner is fixed when a run is recorded and never changes; a chained run
 * (id {@code parent:name}) has its parent's owner; a key leads only to a kept run of the same
 * owner (a key whose run was dropped is forgotten on the next look-up).
 */
final class RunBook {

    /**
     * Who submitted a run. The application (code calling {@link EchoActions#submit}) sees every
     * run; a named caller sees only its own; an anonymous caller owns nothing it could find
     * again, because every anonymous caller would be the same owner.
     */
    record Owner(String name, boolean application) {

        static final Owner APPLICATION = new Owner("", true);
        static final Owner ANONYMOUS = new Owner("", false);

        static Owner caller(String principalName) {
            return principalName == null || principalName.isEmpty() ? ANONYMOUS : new Owner(principalName, false);
        }

        boolean mayFindRunsOf(Owner owner) {
            return application || (!name.isEmpty() && equals(owner));
        }

        boolean keepsKeys() {
            return application || !name.isEmpty();
        }
    }

    private record Kept(ActionRun run, Owner owner) {
    }

    private record Key(Owner owner, String key) {
    }

    private final int capacity;
    private final Map<String, Kept> runs;
    private final Map<Key, String> keys;
    /** Owners named for a run about to start (its id), taken when it is recorded. */
    private final Map<String, Owner> expected = new HashMap<>();

    RunBook(int capacity) {
        this.capacity = capacity;
        this.runs = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                return size() > RunBook.this.capacity;
            }
        };
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > RunBook.this.capacity;
            }
        };
    }

    /** The run {@code id} about to start belongs to {@code owner}. */
    synchronized void expect(String id, Owner owner) {
        expected.put(id, Objects.requireNonNull(owner, "owner"));
    }

    /** Forgets an expectation whose run never started (its hand-over failed). */
    synchronized void unexpect(String id) {
        expected.remove(id);
    }

    /** Records a started run: the owner expected for it, else its parent's (chained runs). */
    synchronized void started(ActionRun run) {
        String id = run.action().id();
        Owner owner = expected.remove(id);
        for (int cut = id.lastIndexOf(':'); owner == null && cut > 0; cut = id.lastIndexOf(':', cut - 1)) {
            Kept parent = runs.get(id.substring(0, cut));
            owner = parent == null ? null : parent.owner();
        }
        runs.put(id, new Kept(run, owner == null ? Owner.ANONYMOUS : owner));
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

    synchronized Optional<ActionRun> find(String id, Owner caller) {
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
