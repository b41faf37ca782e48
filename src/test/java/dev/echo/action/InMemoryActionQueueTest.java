package dev.echo.action;

import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class InMemoryActionQueueTest {

    private final AtomicLong now = new AtomicLong();
    private final InMemoryActionQueue queue = new InMemoryActionQueue(2, Duration.ofSeconds(10), now::get);

    private static Action action(String id, String key) {
        return new Action(id, "f", null, Priority.NORMAL,
                new Action.Metadata(null, null, null, null, null, null, null, key));
    }

    @Test
    void deliversInOrderAndForgetsAcknowledgedActions() throws Exception {
        queue.offer(action("a", null));
        queue.offer(action("b", null));
        ActionQueue.Delivery first = queue.poll(Duration.ZERO).orElseThrow();
        assertEquals("a", first.action().id());
        first.ack();
        assertEquals("b", queue.poll(Duration.ZERO).orElseThrow().action().id());
        assertEquals(1, queue.size(), "b is in flight until acknowledged");
    }

    @Test
    void aFullQueueRejectsHonestlyAndKeepsWhatItHas() {
        queue.offer(action("a", null));
        queue.offer(action("b", null));
        ActionQueue.QueueFullException e = assertThrows(ActionQueue.QueueFullException.class, () -> queue.offer(action("c", null)));
        assertTrue(e.getMessage().contains("capacity 2") && e.getMessage().contains("c"), e.getMessage());
        assertEquals(2, queue.size());
    }

    @Test
    void nackedAndTimedOutDeliveriesAreDeliveredAgain() throws Exception {
        queue.offer(action("a", null));
        ActionQueue.Delivery d1 = queue.poll(Duration.ZERO).orElseThrow();
        d1.nack();
        ActionQueue.Delivery d2 = queue.poll(Duration.ZERO).orElseThrow();
        assertEquals("a", d2.action().id());
        assertEquals(2, d2.deliveryCount());
        assertTrue(queue.poll(Duration.ZERO).isEmpty(), "in flight, not yet expired");
        now.addAndGet(Duration.ofSeconds(11).toNanos()); // the consumer died without acknowledging
        ActionQueue.Delivery d3 = queue.poll(Duration.ZERO).orElseThrow();
        assertEquals(3, d3.deliveryCount());
        d3.ack();
        d2.ack(); // a late acknowledgement of an older delivery is harmless
        assertEquals(0, queue.size());
    }

    @Test
    void theIdempotencyKeyPreventsADuplicateUntilAcknowledged() throws Exception {
        assertFalse(queue.offer(action("a", "order-7")).duplicate());
        ActionQueue.Receipt again = queue.offer(action("a2", "order-7"));
        assertTrue(again.duplicate());
        assertEquals("a", again.actionId());
        assertEquals(1, queue.size());
        queue.poll(Duration.ZERO).orElseThrow().ack();
        assertFalse(queue.offer(action("a3", "order-7")).duplicate(), "after acknowledgement the key is free again");
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryActionQueue(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new InMemoryActionQueue(1, Duration.ZERO));
    }
}
