package dev.echo.task;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * PlainTask keeps its priority level in two bits of its queueing stamp (24 bytes instead of 32):
 * neither may disturb the other.
 */
class PlainTaskTest {

    private static final long[] STAMPS = {
        0L, 1L, 6L, 7L, 8L, -1L, -2L, Long.MIN_VALUE, Long.MIN_VALUE | 1L, Long.MAX_VALUE, Long.MAX_VALUE - 1,
        System.nanoTime(), System.nanoTime() | 1L, System.nanoTime() & ~1L, 0x5555_5555_5555_5555L, 0xAAAA_AAAA_AAAA_AAAAL};

    @Test
    void aNewTaskHasItsPriorityAndNoStamp() {
        for (Priority p : Priority.values()) {
            PlainTask t = new PlainTask(() -> { }, p);
            assertEquals(p, t.priority());
            assertEquals(0L, t.queuedAtNanos());
            assertEquals("PlainTask[" + p + "]", t.toString());
        }
    }

    @Test
    void stampingKeepsThePriorityAndTheStampWithinSixNanosecondsAndItsPrecisionBit() {
        for (Priority p : Priority.values()) {
            PlainTask t = new PlainTask(() -> { }, p);
            for (long stamp : STAMPS) {
                t.markQueued(stamp);
                assertEquals(p, t.priority(), "priority after markQueued(" + stamp + ")");
                long kept = t.queuedAtNanos();
                assertTrue(stamp - kept >= 0 && stamp - kept <= 6, "stamp " + stamp + " kept as " + kept);
                assertEquals(stamp & 1L, kept & 1L, "a precise (odd) stamp stays precise, a coarse one coarse: " + stamp);
                assertEquals(stamp & ~6L, kept, "only bits 1-2 are the level's");
            }
        }
    }

    @Test
    void restampingReplacesTheStampNotThePriority() {
        PlainTask t = new PlainTask(() -> { }, Priority.LOW);
        t.markQueued(-1L); // every bit set
        t.markQueued(0L);
        assertEquals(Priority.LOW, t.priority());
        assertEquals(0L, t.queuedAtNanos());
    }

    @Test
    void nullsAreRefusedByName() {
        assertEquals("runnable", assertThrows(NullPointerException.class, () -> new PlainTask(null, Priority.HIGH)).getMessage());
        assertEquals("priority", assertThrows(NullPointerException.class, () -> new PlainTask(() -> { }, null)).getMessage());
    }

    @Test
    void runsItsBodyOnceWhicheverWayItIsRun() {
        AtomicInteger runs = new AtomicInteger();
        PlainTask t = new PlainTask(runs::incrementAndGet, Priority.NORMAL);
        t.run();
        t.run();
        assertEquals(1, runs.get());
        assertEquals(Outcome.CANCELLED, t.execute(), "run already by whoever shutdownNow returned it to");
        assertEquals(1, runs.get());
    }
}
