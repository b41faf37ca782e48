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
        long hotLast = hot.stream().mapToLong(PaddingLayoutTest::offset).max().orElseThrow();
        long rest = own(Worker.class).stream().mapToLong(PaddingLayoutTest::offset).min().orElseThrow();
        assertTrue(hotFirst >= GAP, "the first per-task field at offset " + hotFirst + ", want >= " + GAP);
        assertTrue(rest - hotLast >= GAP + Integer.BYTES,
                "Worker's own fields start at " + rest + ", the per-task fields end at " + hotLast + ": want a gap of " + GAP);
    }

    private static List<Field> own(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).toList();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static long offset(Field field) {
        try {
            Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return ((sun.misc.Unsafe) theUnsafe.get(null)).objectFieldOffset(field);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
