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

    @Test
    void outsideSubmissionsFromManyThreadsAreEachTakenExactlyOnceWithTheLevelOrderKept() throws Exception {
        StealingQueue<Integer> q = new StealingQueue<>(2, 3, 4, 64);
        int threads = 8, each = 5_000;
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread s = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    q.inject(1, base + i);
                }
            });
            submitters.add(s);
            s.start();
        }
        for (Thread s : submitters) {
            s.join(30_000);
        }
        q.inject(0, -1);
        assertEquals(-1, q.poll(1, null), "a higher level in a submission ring comes first");
        boolean[] seen = new boolean[threads * each];
        int count = 0;
        Integer x;
        while ((x = q.poll(count % 2, null)) != null) {
            assertFalse(seen[x], "taken twice: " + x);
            seen[x] = true;
            count++;
        }
        assertEquals(threads * each, count);
        assertFalse(q.hasVisibleItems());
    }

    @Test
    void anAdmissionThatRefusesQueuesNothingAndRunsUnderTheRingsLock() {
        StealingQueue<String> q = new StealingQueue<>(1, 2, 4);
        int[] ring = {-1};
        assertFalse(q.inject(0, "refused", (r, level) -> {
            ring[0] = r;
            return false;
        }));
        assertFalse(q.hasVisibleItems());
        assertTrue(ring[0] >= 0 && ring[0] < q.rings());
        // the lock was released: the same thread gets the same ring again, and it is free
        boolean[] ran = {false};
        q.withRingLocked(ring[0], () -> ran[0] = true);
        assertTrue(ran[0]);
        assertTrue(q.inject(0, "admitted", (r, level) -> r == ring[0] && level == 0));
        assertEquals("admitted", q.poll(0, null));
    }

    /**
     * A level whose hint was cleared is skipped by poll, yet an item published after the clear is
     * found: the producer sets the hint again (the protocol in the class comment).
     */
    @Test
    void aClearedLevelHintNeverHidesAnItemPublishedLater() {
        StealingQueue<String> q = new StealingQueue<>(2, 3, 4);
        q.clearHintsIfEmpty(); // everything empty: every hint cleared
        assertNull(q.poll(0, null));
        q.inject(0, "outside-high");
        q.push(1, 2, "low-of-worker-1");
        assertEquals("outside-high", q.poll(0, null));
        assertEquals("low-of-worker-1", q.poll(0, null), "stolen from worker 1 although the hint was cleared before");
        q.push(1, 1, "kept");
        q.clearHintsIfEmpty(); // not empty: the level keeps its hint
        assertEquals("kept", q.poll(0, null));
    }

    @Test
    void racingProducersAndHintClearingLoseNoItem() throws Exception {
        for (int round = 0; round < 200; round++) {
            StealingQueue<Integer> q = new StealingQueue<>(2, 3, 4);
            java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(2);
            Thread producer = new Thread(() -> {
                try {
                    go.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                q.inject(2, 7);
            });
            producer.start();
            go.await();
            q.clearHintsIfEmpty(); // races with the producer's publication
            producer.join(10_000);
            assertEquals(7, q.poll(0, null), "round " + round + ": the item must be found after the race");
        }
    }

    /** Past its largest ring a queue spills, and order holds even when the ring has room again. */
    @Test
    void aWorkersQueueKeepsFifoOrderAcrossItsSpill() {
        StealingQueue<Integer> q = new StealingQueue<>(1, 1, 2, 2);
        List<Integer> order = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 3; i++) {
                q.push(0, 0, next++); // the third of each round spills (or follows a spill)
            }
            order.add(q.poll(0, null)); // room in the ring again: the next push must still queue behind the spill
        }
        Integer x;
        while ((x = q.poll(0, null)) != null) {
            order.add(x);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < next; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
    }

    /** One outside thread's items of one level leave in its order, also past its ring's largest size. */
    @Test
    void anOutsideThreadsItemsLeaveInItsOrderPastTheRing() {
        StealingQueue<Integer> q = new StealingQueue<>(2, 1, 4, 4);
        int items = StealingQueue.MAX_SUBMISSION_RING + 5_000;
        for (int i = 0; i < items; i++) {
            q.inject(0, i);
            if (i % 3 == 0) {
                assertEquals(i / 3, q.pollHelper(null, 9), "a taker interleaved with the producer");
            }
        }
        int expected = (items - 1) / 3 + 1;
        Integer x;
        while ((x = q.poll(0, null)) != null) { // one taker: a batch it moved to its own queue comes first, in order
            assertEquals(expected++, x);
        }
        assertEquals(items, expected);
    }

    /**
     * Two workers serve two outside submitters apart: each keeps to the ring it took from and
     * leaves the ring another worker takes from alone while there is another one with items.
     * Before, both took from the lowest non-empty ring (both at one submitter's head and data).
     */
    @Test
    void twoWorkersServeTwoSubmittersApart() throws Exception {
        StealingQueue<String> q = new StealingQueue<>(2, 1, 256);
        int each = 100;
        int ringA = injectFromNewThread(q, "a", each, -1);
        int ringB = injectFromNewThread(q, "b", each, ringA);
        assertNotEquals(ringA, ringB);
        List<String> w0 = new ArrayList<>();
        List<String> w1 = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            w0.add(q.poll(0, null));
            w1.add(q.poll(1, null));
        }
        String first0 = w0.get(0).substring(0, 1);
        String first1 = w1.get(0).substring(0, 1);
        assertNotEquals(first0, first1, "the two workers started at one submitter's ring: " + w0 + " / " + w1);
        for (int i = 0; i < each; i++) {
            assertEquals(first0 + i, w0.get(i), "worker 0 left its submitter or lost its order: " + w0);
            assertEquals(first1 + i, w1.get(i), "worker 1 left its submitter or lost its order: " + w1);
        }
        assertNull(q.poll(0, null));
        assertNull(q.poll(1, null));
    }

    /** The preference never hides work: a worker takes from a ring another worker claimed when no other ring has items. */
    @Test
    void aRingAnotherWorkerTakesFromIsStillServedWhenItIsTheOnlyOne() throws Exception {
        StealingQueue<String> q = new StealingQueue<>(2, 1, 256);
        injectFromNewThread(q, "a", 100, -1);
        List<String> taken = new ArrayList<>();
        taken.add(q.poll(0, null)); // worker 0 takes a batch from the ring and keeps to it
        String x;
        while ((x = q.pollLocal(0, 0)) != null) {
            taken.add(x); // worker 0's batch is gone: worker 1 has nothing to steal
        }
        assertTrue(taken.size() > 1 && taken.size() < 100, "a batch, not the whole ring: " + taken);
        x = q.poll(1, null);
        assertEquals("a" + taken.size(), x, "worker 1 must help at the only ring with items");
        taken.add(x);
        while ((x = q.poll(taken.size() % 2, null)) != null) {
            taken.add(x);
        }
        assertEquals(100, taken.size(), "every item taken once: " + taken);
        assertEquals(100, new java.util.HashSet<>(taken).size(), "every item taken once: " + taken);
    }

    /**
     * Injects {@code prefix0..prefix(n-1)} at level 0 from a new thread whose submission ring is
     * not {@code avoid} (a thread's ring follows from its id); returns the ring it used.
     */
    private static int injectFromNewThread(StealingQueue<String> q, String prefix, int n, int avoid) throws Exception {
        for (int attempt = 0; attempt < 64; attempt++) {
            int[] ring = {-1};
            Thread t = new Thread(() -> {
                q.inject(0, prefix + 0);
                for (int r = 0; r < q.rings(); r++) {
                    if ((prefix + 0).equals(q.peekSubmitted(0, r))) {
                        ring[0] = r;
                    }
                }
                if (ring[0] == avoid) {
                    assertEquals(prefix + 0, q.pollSubmitted(0, ring[0])); // the wrong ring: take it back
                    return;
                }
                for (int i = 1; i < n; i++) {
                    q.inject(0, prefix + i);
                }
            });
            t.start();
            t.join(10_000);
            if (ring[0] >= 0 && ring[0] != avoid) {
                return ring[0];
            }
        }
        throw new AssertionError("no thread found whose submission ring is not " + avoid);
    }
}
