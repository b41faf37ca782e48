package dev.echo.action.limit;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * How fast one function's attempts may start on this server ({@code max-starts}: {@code count}
 * per {@code per}, a {@link TokenBucket}, the computation the acceptance rate limit uses): attempts
 * beyond it wait here, most urgent first and in arrival order within a priority, and hold no
 * worker while they wait; none is ever dropped. When the next start is due, one timer task
 * (the scheduler's, not a worker) releases the head.
 *
 * <p>Invariants, all under this object's monitor (starts of one function are rare next to the
 * scheduler's hot path, and the section is a few comparisons): {@code tat} (the theoretical
 * start time of the next attempt) only moves forward by one interval per start; an attempt
 * leaves the queue exactly once, started or skipped (its run ended while it waited); at most
 * one release is scheduled at a time ({@code releaseScheduled}).
 */
public final class StartLimit {

    /** One attempt waiting for its turn. */
    private record Waiting(java.util.function.BooleanSupplier ended, Runnable start, java.util.function.Consumer<RuntimeException> refuse,
                           int priorityRank, long arrival) {
    }

    public interface Timer {
        /** Runs {@code release} once after {@code delay}, holding no worker while it waits; the handle cancels it. */
        java.util.concurrent.Future<?> after(Duration delay, Runnable release);
    }

    private final TokenBucket bucket;
    private final LongSupplier nanoClock;
    private final Timer timer;
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>((a, b) -> a.priorityRank() != b.priorityRank()
            ? Integer.compare(a.priorityRank(), b.priorityRank()) : Long.compare(a.arrival(), b.arrival()));
    private long arrivals;
    private long tat = TokenBucket.EMPTY;
    private boolean releaseScheduled;
    /** The scheduled release while {@code releaseScheduled}: cancelled when nothing waits any more. */
    private java.util.concurrent.Future<?> releaseTask;

    /**
     * @param nanoClock the clock ({@code System::nanoTime}; injectable for tests)
     * @param timer     where the release waits (the scheduler's delayed tasks)
     */
    public StartLimit(long count, Duration per, LongSupplier nanoClock, Timer timer) {
        try {
            this.bucket = new TokenBucket(count, per);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("max-starts: " + e.getMessage(), e);
        }
        this.nanoClock = nanoClock;
        this.timer = timer;
    }

    public String text() {
        return bucket.text();
    }

    /**
     * Starts an attempt now if its turn has come, else keeps it until it has.
     *
     * @param ended        whether its run ended meanwhile (then it takes no start)
     * @param endedStage   completes when its run ends: a run cancelled while it waits leaves at once
     * @param priorityRank lower is more urgent ({@code Priority.ordinal()})
     * @param start        queues the attempt (called outside this object's monitor)
     * @param refuse       ends the run when no start can ever come (the scheduler took no timer)
     */
    public void offer(java.util.function.BooleanSupplier ended, java.util.concurrent.CompletionStage<?> endedStage, int priorityRank,
                      Runnable start, java.util.function.Consumer<RuntimeException> refuse) {
        if (ended.getAsBoolean()) {
            return; // cancelled or ended before it asked: it takes no start
        }
        Waiting w;
        synchronized (this) {
            if (waiting.isEmpty()) {
                // the common case under a limit that is not reached: nobody waits and a token is there,
                // so the attempt starts without entering the queue (nor watching its run's end)
                long now = nanoClock.getAsLong();
                if (bucket.waitNanos(tat, now) <= 0) {
                    tat = bucket.take(tat, now);
                    w = null;
                } else {
                    w = new Waiting(ended, start, refuse, priorityRank, arrivals++);
                    waiting.add(w);
                }
            } else {
                w = new Waiting(ended, start, refuse, priorityRank, arrivals++);
                waiting.add(w);
            }
        }
        if (w == null) {
            start.run(); // outside the monitor, as below
            return;
        }
        // and with it the timer if nothing else waits (a pending release an hour away would
        // otherwise hold the application's stop)
        endedStage.whenComplete((r, e) -> forget(w));
        release();
    }

    private void forget(Waiting w) {
        java.util.concurrent.Future<?> idle = null;
        synchronized (this) {
            if (waiting.remove(w) && waiting.isEmpty() && releaseScheduled && releaseTask != null) {
                idle = releaseTask;
                releaseTask = null;
                releaseScheduled = false;
            }
        }
        if (idle != null) {
            idle.cancel(false);
        }
    }

    /** Starts every waiting attempt whose turn has come, then arranges to be called when the next one's comes. */
    private void release() {
        while (true) {
            Waiting next;
            synchronized (this) {
                next = waiting.peek();
                if (next == null) {
                    return;
                }
                if (next.ended().getAsBoolean()) {
                    waiting.poll(); // cancelled or ended while it waited: it takes no start
                    continue;
                }
                long now = nanoClock.getAsLong();
                long wait = bucket.waitNanos(tat, now);
                if (wait > 0) {
                    if (!releaseScheduled) {
                        releaseScheduled = true;
                        try {
                            releaseTask = timer.after(Duration.ofNanos(wait), () -> {
                                synchronized (this) {
                                    releaseScheduled = false;
                                    releaseTask = null;
                                }
                                release();
                            });
                        } catch (RuntimeException refused) {
                            // the scheduler takes no timer any more (stopping): nobody would start
                            // these, so each ends as a refused start instead of waiting for ever
                            releaseScheduled = false;
                            java.util.List<Waiting> all = new java.util.ArrayList<>(waiting);
                            waiting.clear();
                            all.forEach(w -> w.refuse().accept(refused));
                        }
                    }
                    return;
                }
                tat = bucket.take(tat, now);
                waiting.poll();
            }
            next.start().run(); // outside the monitor: queuing the attempt may take the scheduler's time
        }
    }

    /** How many attempts wait for their turn. */
    public synchronized int waitingCount() {
        return waiting.size();
    }
}
