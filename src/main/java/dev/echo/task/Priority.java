package dev.echo.task;

import java.util.Locale;

/**
 * How urgently a task should start. A worker always takes the highest priority it can see
 * (its own deques, the global injectors, its victims' deques), so a {@code HIGH} task waits at
 * most for one running task to finish; tasks are never pre-empted once started.
 *
 * <p>Anti-starvation ageing lets a {@code NORMAL} or {@code LOW} task that has waited longer
 * than the scheduler's ageing threshold overtake fresh work, so lower priorities progress even
 * under a continuous flood of {@code HIGH} tasks.
 */
public enum Priority {
    /** Latency-critical work: served before everything else that has not aged. */
    HIGH,
    /** The default for plain {@code ExecutorService} methods. */
    NORMAL,
    /** Background work: served when nothing more urgent is waiting, or once it has aged. */
    LOW;

    private static final Priority[] VALUES = values();

    /** Number of priority levels; levels are numbered 0 (HIGH) to {@code count() - 1} (LOW). */
    public static int count() {
        return VALUES.length;
    }

    /** The level index of this priority: 0 is the most urgent. */
    public int level() {
        return ordinal();
    }

    /** The priority of the given level index. */
    public static Priority ofLevel(int level) {
        if (level < 0 || level >= VALUES.length) {
            throw new IllegalArgumentException("priority level must be 0.." + (VALUES.length - 1) + ", was " + level);
        }
        return VALUES[level];
    }

    /**
     * Parses {@code HIGH}, {@code NORMAL} or {@code LOW} (case-insensitive, surrounding blanks
     * ignored). Anything else is rejected with a message that names the bad value.
     */
    public static Priority parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("priority must be one of HIGH, NORMAL, LOW, was null");
        }
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (Priority p : VALUES) {
            if (p.name().equals(upper)) {
                return p;
            }
        }
        throw new IllegalArgumentException("priority must be one of HIGH, NORMAL, LOW, was '" + text + "'");
    }
}
