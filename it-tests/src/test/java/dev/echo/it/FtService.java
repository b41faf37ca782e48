package dev.echo.it;

import dev.echo.testing.Blocker;
import dev.echo.testing.Blocking;
import dev.echo.cdi.EchoAsync;
import dev.echo.task.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Async methods on Echo with MicroProfile Fault Tolerance: FT runs after Echo's interceptor, on the worker. */
@ApplicationScoped
public class FtService {

    final AtomicInteger retryAttempts = new AtomicInteger();
    final List<String> retryThreads = new CopyOnWriteArrayList<>();
    final CountDownLatch timeoutInterrupted = new CountDownLatch(1);
    final AtomicInteger brokenCalls = new AtomicInteger();

    // accessors: the test holds a client proxy, whose own fields are not the bean's

    public int retryAttempts() {
        return retryAttempts.get();
    }

    public List<String> retryThreads() {
        return List.copyOf(retryThreads);
    }

    public boolean awaitTimeoutInterrupted(long seconds) throws InterruptedException {
        return timeoutInterrupted.await(seconds, TimeUnit.SECONDS);
    }

    public int brokenCalls() {
        return brokenCalls.get();
    }

    @EchoAsync(priority = Priority.HIGH)
    @Retry(maxRetries = 4, delay = 10, jitter = 0)
    public CompletionStage<String> flaky() {
        retryThreads.add(Thread.currentThread().getName() + "@" + dev.echo.scheduler.Scheduler.currentPriority().orElse(null));
        int attempt = retryAttempts.incrementAndGet();
        if (attempt < 3) {
            throw new IllegalStateException("attempt " + attempt + " fails");
        }
        return CompletableFuture.completedFuture("ok on attempt " + attempt);
    }

    @EchoAsync
    @Timeout(300)
    public CompletionStage<String> slow() {
        try {
            Blocking.untilInterrupted();
        } catch (InterruptedException e) {
            timeoutInterrupted.countDown();
            throw new IllegalStateException("interrupted by the timeout");
        }
        return CompletableFuture.completedFuture("too late");
    }

    @EchoAsync
    @CircuitBreaker(requestVolumeThreshold = 2, failureRatio = 1.0, delay = 60_000)
    public CompletionStage<String> broken() {
        brokenCalls.incrementAndGet();
        throw new IllegalStateException("broken");
    }

    @EchoAsync(priority = Priority.LOW)
    @Fallback(fallbackMethod = "fallback")
    public CompletionStage<String> withFallback() {
        throw new IllegalStateException("primary failed");
    }

    public CompletionStage<String> fallback() {
        return CompletableFuture.completedFuture("fallback on " + Thread.currentThread().getName());
    }

    @EchoAsync
    @Bulkhead(1)
    public CompletionStage<String> narrow(Blocker inside) {
        inside.run(); // holds the bulkhead's only place until the test releases it
        return CompletableFuture.completedFuture("through the bulkhead");
    }
}
