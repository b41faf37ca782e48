package dev.echo.readme;

// README-EXAMPLE-START
import dev.echo.scheduler.Scheduler;
import dev.echo.scheduler.SchedulerBuilder;
import dev.echo.task.Priority;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

public class ReadmeExample {
    public static void main(String[] args) throws Exception {
        try (Scheduler scheduler = SchedulerBuilder.create()
                .workerCount(4)                              // default: available processors
                .agingThreshold(Duration.ofMillis(200))      // LOW work overtakes after 200 ms
                .name("orders")
                .build()) {

            // Latency-critical work jumps every queued NORMAL and LOW task.
            CompletableFuture<String> quote = scheduler.submit(() -> "quote-42", Priority.HIGH);

            // Background work, and a plain ExecutorService call (NORMAL).
            scheduler.execute(() -> rebuildSearchIndex(), Priority.LOW);
            scheduler.submit(() -> sendConfirmation());

            // Async: the worker is free while the stage is pending; it resumes at HIGH.
            CompletableFuture<Integer> stock = scheduler.submitAsync(
                    () -> CompletableFuture.supplyAsync(() -> 17), Priority.HIGH);

            // Delayed: no worker is held while waiting.
            scheduler.schedule(() -> expireCart(), Duration.ofSeconds(1), Priority.NORMAL);

            System.out.println(quote.get() + " / stock " + stock.get());
            System.out.println(scheduler.metrics());
        } // close() is a graceful stop: every accepted task runs, then the workers exit
    }
    // README-EXAMPLE-END

    /** Tasks that ran; atomic, since two of them may run at once on different workers. */
    static final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    static void rebuildSearchIndex() {
        calls.incrementAndGet();
    }

    static void sendConfirmation() {
        calls.incrementAndGet();
    }

    static void expireCart() {
        calls.incrementAndGet();
    }
}
