package dev.echo.queue;

/**
 * The field layout of a {@link LocalQueue}: its {@code head} (CASed by every taker) and its
 * {@code tail} (written by the one producer) each on a cache line of its own, and neither on the
 * line of the ring's read-mostly fields or of a neighbouring object. Side by side, every offer
 * invalidated the line the takers CAS and every take invalidated the line the producer reads:
 * one cache miss per item on each side (async-profiler: a fifth of B1's submitter).
 *
 * <p>The JVM lays a superclass's fields out before its subclass's, so a chain of classes fixes the
 * order that one class's fields would not: 64 bytes of padding, {@code head}, 64 bytes,
 * {@code tail} with the producer's own copy of {@code head}, 64 bytes. The padding fields are
 * never read or written.
 */
final class PaddedIndexes {

    private PaddedIndexes() {
    }

    @SuppressWarnings("unused")
    abstract static class LeadingPad {
        long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class Head extends LeadingPad {
        /** Next slot to take; see {@link LocalQueue}'s invariants. */
        volatile long head;
    }

    @SuppressWarnings("unused")
    abstract static class MiddlePad extends Head {
        long p10, p11, p12, p13, p14, p15, p16, p17;
    }

    abstract static class Tail extends MiddlePad {
        /** Next slot to fill; see {@link LocalQueue}'s invariants. */
        volatile long tail;
        /**
         * The producer's last reading of {@code head} (a lower bound of it: head only grows); the
         * producer reads the shared {@code head} only when this makes the ring look full.
         * Producer only.
         */
        long headSeen;
    }

    @SuppressWarnings("unused")
    abstract static class TrailingPad extends Tail {
        long p20, p21, p22, p23, p24, p25, p26, p27;
    }
}
