package dev.echo.action;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The immutable registry of named functions actions can run (the seed's Plan/Formality). Unlike
 * the seed, a function stays in the plan after it ran. Names are unique: registering a name twice
 * fails, naming both registrations.
 */
public final class Plan {

    /** A function and where it came from (for messages, e.g. {@code OrderBean#read(String)}). */
    public record Entry(String name, String source, ActionFunction function) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(function, "function");
        }
    }

    private final Map<String, Entry> entries;

    private Plan(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The function registered under {@code name}, if any. */
    public Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** The function registered under {@code name}; a {@link ActionException.Kind#ROUTING} error otherwise. */
    public Entry require(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            // the message reaches HTTP callers: it names what was asked for, never what exists
            throw new ActionException(ActionException.Kind.ROUTING, "no action named '" + name + "' in the plan");
        }
        return e;
    }

    public Set<String> names() {
        return entries.keySet();
    }

    /** Collects functions; {@link #build()} freezes them. */
    public static final class Builder {
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /** Registers {@code function} as {@code name}; a duplicate name fails naming both sources. */
        public Builder add(String name, String source, ActionFunction function) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("an action name must not be blank (from " + source + ")");
            }
            Entry previous = entries.putIfAbsent(name, new Entry(name, source, function));
            if (previous != null) {
                throw new IllegalArgumentException("action '" + name + "' is defined twice: by " + previous.source()
                        + " and by " + source);
            }
            return this;
        }

        /** Registers {@code function} as {@code name}, its source being the name itself. */
        public Builder add(String name, ActionFunction function) {
            return add(name, name, function);
        }

        public Plan build() {
            return new Plan(entries);
        }
    }
}
