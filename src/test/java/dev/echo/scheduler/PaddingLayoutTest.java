package dev.echo.scheduler;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The padding that keeps data read or written on every task off other objects' cache lines
 * (PaddedExecutorService, WorkerLeadingPad, WorkerTrailingPad): checked on the field offsets the
 * running JVM chose, since the padding only works if the JVM lays the fields out as expected. A
 * slow B2 fork (two thirds of the usual rate, same code) spent 7 % of its time reading
 * {@code Scheduler.capacity}, a final field, when nothing padded the scheduler's first line.
 */
class PaddingLayoutTest {

    /** Two cache lines: an Intel core fetches lines in aligned pairs. */
    private static final long GAP = 128;

    @Test
    void theSchedulersFieldsStartTwoCacheLinesIntoTheObject() throws Exception {
        long first = own(Scheduler.class).stream().mapToLong(PaddingLayoutTest::offset).min().orElseThrow();
        assertTrue(first >= GAP, "Scheduler's first field at offset " + first + ", want >= " + GAP);
    }

    @Test
    void aWorkersPerTaskFieldsHaveTwoCacheLinesOnEachSide() throws Exception {
        List<Field> hot = own(WorkerHotFields.class);
        long hotFirst = hot.stream().mapToLong(PaddingLayoutTest::offset).min().orElseThrow();
        // where the last byte of the per-task fields ends (a field's width from its type)
        long hotEnd = hot.stream().mapToLong(f -> offset(f) + width(f)).max().orElseThrow();
        long rest = own(Worker.class).stream().mapToLong(PaddingLayoutTest::offset).min().orElseThrow();
        assertTrue(hotFirst >= GAP, "the first per-task field at offset " + hotFirst + ", want >= " + GAP);
        assertTrue(rest - hotEnd >= GAP,
                "Worker's own fields start at " + rest + ", the per-task fields end at " + hotEnd + ": want a gap of " + GAP);
    }

    /**
     * A reference stored on every task into a worker (an old-generation object soon after start)
     * costs G1's post-write barrier a StoreLoad fence each time: keeping the running task in a
     * field was 9 % of B2's samples. The per-task fields are primitives.
     */
    @Test
    void aWorkersPerTaskFieldsHoldNoReference() {
        for (Field f : own(WorkerHotFields.class)) {
            assertTrue(f.getType().isPrimitive(), "per-task field " + f.getName() + " is a " + f.getType().getName());
        }
    }

    private static List<Field> own(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).toList();
    }

    /** Bytes a field takes (a reference: 4 with compressed oops, else 8, as this JVM stores them). */
    @SuppressWarnings({"deprecation", "removal"})
    private static long width(Field field) {
        Class<?> t = field.getType();
        if (!t.isPrimitive()) {
            return unsafe().arrayIndexScale(Object[].class);
        }
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        return t == short.class || t == char.class ? 2 : 1;
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static long offset(Field field) {
        return unsafe().objectFieldOffset(field);
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static sun.misc.Unsafe unsafe() {
        try {
            Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return (sun.misc.Unsafe) theUnsafe.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
