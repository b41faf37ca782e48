package dev.echo.queue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class LocalQueueTest {

    @Test
    void capacityMustBeAPowerOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalQueue<>(3));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LocalQueue<>(1));
    }

    @Test
    void itemsLeaveInOfferOrder() {
        LocalQueue<Integer> q = new LocalQueue<>(8);
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(i));
        }
        assertEquals(0, q.peek());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertTrue(q.isEmpty());
    }

    @Test
    void offerFailsWhenFullAndSucceedsAgainAfterPoll() {
        LocalQueue<Integer> q = new LocalQueue<>(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(99));
        assertEquals(0, q.poll());
        assertTrue(q.offer(4));
        assertEquals(List.of(1, 2, 3, 4), drain(q));
    }

    @Test
    void stealTakesTheOlderHalfAndHandsTheRestOver() {
        LocalQueue<Integer> q = new LocalQueue<>(16);
        for (int i = 0; i < 8; i++) {
            q.offer(i);
        }
        List<Integer> moved = new ArrayList<>();
        Integer first = q.stealHalfInto(moved::add, 32);
        assertEquals(0, first);
        assertEquals(List.of(1, 2, 3), moved);
        assertEquals(List.of(4, 5, 6, 7), drain(q));
        assertNull(q.stealHalfInto(moved::add, 32));
    }

    @Test
    void stealOfOneItemTakesIt() {
        LocalQueue<Integer> q = new LocalQueue<>(4);
        q.offer(7);
        List<Integer> moved = new ArrayList<>();
        assertEquals(7, q.stealHalfInto(moved::add, 32));
        assertTrue(moved.isEmpty());
        assertTrue(q.isEmpty());
    }

    @Test
    void takenItemsAreNotRetained() throws Exception {
        LocalQueue<Object> q = new LocalQueue<>(4);
        Object item = new Object();
        java.lang.ref.WeakReference<Object> ref = new java.lang.ref.WeakReference<>(item);
        q.offer(item);
        assertSame(item, q.poll());
        item = null;
        assertCollected(ref, "the ring still references a polled item");
    }

    /** Waits (collecting garbage) until {@code ref}'s object is gone; fails with {@code what} if it stays. */
    private static void assertCollected(java.lang.ref.WeakReference<?> ref, String what) {
        dev.echo.testing.Await.until(() -> {
            System.gc();
            return ref.get() == null;
        }, java.time.Duration.ofSeconds(5), () -> what);
        assertNull(ref.get(), what);
    }

    @Test
    void aGrowingRingDoublesUpToItsMaximumAndKeepsFifoOrder() {
        LocalQueue<Integer> q = new LocalQueue<>(4, 16);
        assertEquals(1, q.poll() == null ? 1 : 0);
        q.offer(-1);
        assertEquals(-1, q.poll(), "head moved: the copy must keep indexes, not start at 0");
        for (int i = 0; i < 16; i++) {
            assertTrue(q.offer(i), "room up to the maximum: " + i);
        }
        assertEquals(16, q.capacity());
        assertFalse(q.offer(16), "full at its maximum");
        for (int i = 0; i < 16; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertThrows(IllegalArgumentException.class, () -> new LocalQueue<>(8, 4));
        assertThrows(IllegalArgumentException.class, () -> new LocalQueue<>(8, 12));
    }

    @Test
    void trimGivesAGrownEmptyRingItsInitialSizeBack() {
        LocalQueue<Integer> q = new LocalQueue<>(4, 64);
        assertFalse(q.isGrown());
        assertFalse(q.trimIfEmpty(), "nothing to give back");
        for (int i = 0; i < 64; i++) {
            assertTrue(q.offer(i));
        }
        assertEquals(64, q.capacity());
        assertTrue(q.isGrown());
        for (int i = 0; i < 63; i++) {
            assertEquals(i, q.poll(), "FIFO across the growth");
        }
        assertFalse(q.trimIfEmpty(), "a ring that still holds an item keeps its size");
        assertEquals(64, q.capacity());
        assertEquals(63, q.poll());
        assertNull(q.pollOwned());
        assertEquals(64, q.capacity(), "draining alone does not trim (a busy ring would reallocate all the time)");
        assertTrue(q.trimIfEmpty());
        assertEquals(4, q.capacity());
        assertFalse(q.isGrown());
        for (int i = 100; i < 110; i++) {
            assertTrue(q.offer(i), "grows again after a trim");
        }
        for (int i = 100; i < 110; i++) {
            assertEquals(i, q.pollOwned(), "FIFO after a trim");
        }
        assertNull(q.poll());
    }

    @Test
    void pollOwnedTakesInOrderAndDoesNotRetain() throws Exception {
        LocalQueue<Object> q = new LocalQueue<>(4);
        Object first = new Object();
        Object second = new Object();
        q.offer(first);
        q.offer(second);
        java.lang.ref.WeakReference<Object> ref = new java.lang.ref.WeakReference<>(first);
        assertSame(first, q.pollOwned());
        assertSame(second, q.pollOwned());
        assertNull(q.pollOwned());
        first = null;
        assertCollected(ref, "the ring still references an item its owner took");
    }

    /**
     * The owner grows the ring in bursts, takes its own items until the ring is empty, trims it
     * and starts again, while thieves take: every item leaves exactly once.
     */
    @Test
    void growingAndTrimmingWhileThievesTakeLosesAndDuplicatesNothing() throws Exception {
        for (int round = 0; round < 10; round++) {
            int items = 60_000;
            LocalQueue<Integer> q = new LocalQueue<>(4, 1 << 12);
            Thieves thieves = new Thieves(q, 2);
            int next = 0;
            while (next < items) {
                int burst = Math.min(items - next, 1 + (next * 7919) % 3000);
                for (int i = 0; i < burst; i++) {
                    offerTakingOwnWhileFull(q, next++, false, thieves);
                }
                takeOwnUntilEmpty(q, thieves);
                q.trimIfEmpty(); // thieves may still hold older indexes: their CAS must fail
            }
            thieves.assertEachTakenOnce(items, "round " + round);
        }
    }

    /** The owner grows the ring while thieves take from it: every item leaves exactly once, none is lost in a copy. */
    @Test
    void growingWhileThievesTakeLosesAndDuplicatesNothing() throws Exception {
        for (int round = 0; round < 20; round++) {
            int items = 50_000;
            LocalQueue<Integer> q = new LocalQueue<>(2, 1 << 16);
            Thieves thieves = new Thieves(q, 2);
            for (int i = 0; i < items; i++) {
                assertTrue(q.offer(i), "grows instead of refusing");
            }
            thieves.assertEachTakenOnce(items, "round " + round);
        }
    }

    /** One owner offering, three thieves polling and stealing: every item leaves exactly once. */
    @Test
    void concurrentOwnerAndThievesSeeEveryItemExactlyOnce() throws Exception {
        int items = 200_000;
        LocalQueue<Integer> q = new LocalQueue<>(64);
        Thieves thieves = new Thieves(q, 3);
        for (int i = 0; i < items; i++) {
            while (!q.offer(i)) {
                Integer x = q.poll(); // owner helps when full
                if (x != null) {
                    thieves.taken.add(x);
                }
            }
        }
        thieves.assertEachTakenOnce(items, "");
    }

    /** Like the test above with the owner publishing by exchange after its tail (offerFenced), in a small ring that wraps often. */
    @Test
    void fencedOffersWithThievesSeeEveryItemExactlyOnce() throws Exception {
        // without offerFenced emptying a stale slot before its tail, about one run in three saw a duplicate
        for (int round = 0; round < 10; round++) {
            int items = 200_000;
            LocalQueue<Integer> q = new LocalQueue<>(4, 16);
            Thieves thieves = new Thieves(q, 3);
            for (int i = 0; i < items; i++) {
                offerTakingOwnWhileFull(q, i, true, thieves);
            }
            takeOwnUntilEmpty(q, thieves);
            thieves.assertEachTakenOnce(items, "round " + round);
        }
    }

    /**
     * offerFenced writes the tail before the item: a taker that finds the tail's last slot still
     * empty reports nothing and claims nothing, and takes the item once it is there.
     */
    @Test
    void aSlotBeingPublishedIsNeitherTakenNorSkipped() throws Exception {
        LocalQueue<String> q = new LocalQueue<>(8);
        assertTrue(q.offerFenced("a"));
        assertEquals("a", q.poll());
        q.tail = 2; // the owner between its release of the tail and its exchange: index 1 is reserved, its slot empty
        assertNull(q.poll());
        assertNull(q.stealHalfInto(x -> fail("nothing to move"), 8));
        assertNull(q.peek());
        assertEquals(1, q.head, "a taker claimed a slot whose item was not there yet");
        assertFalse(q.isEmpty(), "the reserved index counts as queued");
        slots(q)[1] = "b"; // the exchange lands
        assertEquals("b", q.poll());
        assertTrue(q.isEmpty());
    }

    /**
     * An empty slot below the tail's last one was published and then emptied (a taker's late
     * clear of the same object at the slot's previous index): takers skip it instead of stalling
     * on it or handing out null.
     */
    @Test
    void anEmptiedSlotBelowTheLastIsSkippedByEveryKindOfTake() throws Exception {
        LocalQueue<String> q = new LocalQueue<>(8);
        for (String s : List.of("a", "b", "c", "d", "e", "f")) {
            assertTrue(q.offerFenced(s));
        }
        Object[] slots = slots(q);
        slots[0] = null;
        assertEquals("b", q.poll());
        slots[2] = null;
        assertEquals("d", q.pollOwned());
        slots[4] = null;
        List<String> moved = new ArrayList<>();
        assertEquals("f", q.stealHalfInto(moved::add, 8));
        assertEquals(List.of(), moved);
        assertTrue(q.isEmpty());
        assertEquals(6, q.head);
    }

    /** A batch ends before an emptied slot: the items before it move, the slot is skipped later. */
    @Test
    void aStealStopsBeforeAnEmptiedSlot() throws Exception {
        LocalQueue<String> q = new LocalQueue<>(8);
        for (String s : List.of("a", "b", "c", "d", "e", "f")) {
            assertTrue(q.offerFenced(s));
        }
        slots(q)[2] = null;
        List<String> moved = new ArrayList<>();
        assertEquals("a", q.stealHalfInto(moved::add, 8), "half of six is three, but the third is gone");
        assertEquals(List.of("b"), moved);
        assertEquals(2, q.head);
        assertEquals("d", q.poll());
    }

    /** The owner offers {@code item}, taking its own oldest items while the ring is full (they count as taken). */
    private static void offerTakingOwnWhileFull(LocalQueue<Integer> q, int item, boolean fenced, Thieves thieves) {
        while (!(fenced ? q.offerFenced(item) : q.offer(item))) {
            Integer x = q.pollOwned();
            if (x != null) {
                thieves.taken.add(x);
            }
        }
    }

    private static void takeOwnUntilEmpty(LocalQueue<Integer> q, Thieves thieves) {
        Integer x;
        while ((x = q.pollOwned()) != null) {
            thieves.taken.add(x);
        }
    }

    private static Object[] slots(LocalQueue<?> q) throws ReflectiveOperationException {
        java.lang.reflect.Field f = LocalQueue.class.getDeclaredField("slots");
        f.setAccessible(true);
        return (Object[]) f.get(q);
    }

    /** Threads taking from a queue while its owner offers: every other one steals batches, the rest poll. */
    private static final class Thieves {
        final ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean done = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Thieves(LocalQueue<Integer> q, int count) {
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < count; t++) {
                boolean batch = t % 2 == 0;
                Thread thief = new Thread(() -> {
                    await(start);
                    while (!done.get() || !q.isEmpty()) {
                        Integer x = batch ? q.stealHalfInto(taken::add, 8) : q.poll();
                        if (x != null) {
                            taken.add(x);
                        }
                    }
                });
                thief.start();
                threads.add(thief);
            }
            start.countDown();
        }

        /** Tells the thieves the owner is done, waits for them, and checks items 0..items-1 were each taken once. */
        void assertEachTakenOnce(int items, String what) throws InterruptedException {
            done.set(true);
            for (Thread t : threads) {
                t.join(30_000);
                assertFalse(t.isAlive());
            }
            boolean[] seen = new boolean[items];
            for (Integer x : taken) {
                assertNotNull(x, "a null item was handed out (a slot read from a stale copy)");
                assertFalse(seen[x], "item taken twice: " + x);
                seen[x] = true;
            }
            assertEquals(items, taken.size(), what);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> List<T> drain(LocalQueue<T> q) {
        List<T> out = new ArrayList<>();
        T x;
        while ((x = q.poll()) != null) {
            out.add(x);
        }
        return out;
    }
}
