package dev.echo.queue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StealingQueueTest {

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new StealingQueue<>(0, 3, 8));
        assertThrows(IllegalArgumentException.class, () -> new StealingQueue<>(2, 0, 8));
    }

    @Test
    void aHigherLevelInTheInjectorBeatsALowerLevelInTheOwnLocalQueue() {
        StealingQueue<String> q = new StealingQueue<>(2, 3, 8);
        q.push(0, 2, "low-local");
        q.inject(0, "high-injected");
        assertEquals("high-injected", q.poll(0, null));
        assertEquals("low-local", q.poll(0, null));
    }

    @Test
    void aHigherLevelInAnotherWorkersQueueIsStolenBeforeOwnLowerLevel() {
        StealingQueue<String> q = new StealingQueue<>(2, 3, 8);
        q.push(0, 2, "low-own");
        q.push(1, 0, "high-victim");
        int[] steals = {0};
        assertEquals("high-victim", q.poll(0, (thief, victim, level, n) -> steals[0]++));
        assertEquals(1, steals[0]);
        assertEquals("low-own", q.poll(0, null));
    }

    @Test
    void ownLocalComesBeforeInjectorAtTheSameLevel() {
        StealingQueue<String> q = new StealingQueue<>(1, 3, 8);
        q.inject(1, "injected");
        q.push(0, 1, "local");
        assertEquals("local", q.poll(0, null));
        assertEquals("injected", q.poll(0, null));
    }

    @Test
    void fullLocalQueueSpillsToTheInjectorInOrder() {
        StealingQueue<Integer> q = new StealingQueue<>(1, 1, 2);
        assertTrue(q.push(0, 0, 1));
        assertTrue(q.push(0, 0, 2));
        assertFalse(q.push(0, 0, 3));
        List<Integer> order = new ArrayList<>();
        Integer x;
        while ((x = q.poll(0, null)) != null) {
            order.add(x);
        }
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void stealMovesABatchIntoTheThiefsQueue() {
        StealingQueue<Integer> q = new StealingQueue<>(2, 1, 16);
        for (int i = 0; i < 8; i++) {
            q.push(1, 0, i);
        }
        assertEquals(0, q.poll(0, null));
        // the rest of the batch is now local to worker 0: taking from worker 0 alone finds it
        assertEquals(1, q.pollLocal(0, 0));
        assertEquals(2, q.pollLocal(0, 0));
        assertEquals(3, q.pollLocal(0, 0));
        assertNull(q.pollLocal(0, 0));
        assertEquals(4, q.pollLocal(1, 0));
    }

    @Test
    void drainReturnsEverythingMostUrgentFirst() {
        StealingQueue<String> q = new StealingQueue<>(2, 3, 8);
        q.push(1, 2, "low");
        q.inject(1, "normal");
        q.push(0, 0, "high");
        List<String> out = new ArrayList<>();
        assertEquals(3, q.drainTo(out::add));
        assertEquals(List.of("high", "normal", "low"), out);
        assertFalse(q.hasVisibleItems());
    }
}
