package dev.echo.cdi;

import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/** An application bean as a user would write it (dependent, so tests can read its fields directly). */
@jakarta.enterprise.context.Dependent
public class EchoBeans {

    @Inject
    ManagedExecutorService executor;

    @Inject
    ManagedScheduledExecutorService scheduled;

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @Inject
    @EchoPriority(Priority.LOW)
    ManagedScheduledExecutorService lowScheduled;

    final CountDownLatch voidRan = new CountDownLatch(1);

    @EchoAsync(priority = Priority.HIGH)
    public CompletableFuture<String> where() {
        return CompletableFuture.completedFuture(Thread.currentThread().getName() + "@"
                + dev.echo.scheduler.Scheduler.currentPriority().orElse(null));
    }

    @EchoAsync(priority = Priority.LOW)
    public CompletionStage<Integer> fails() {
        throw new IllegalStateException("async failure");
    }

    @EchoAsync
    public void fireAndForget() {
        voidRan.countDown();
    }

    @EchoAsync
    public String wrongReturnType() {
        return "x";
    }
}
