package dev.echo.it;

import dev.echo.testing.Blocker;
import dev.echo.it.support.Deployments;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: @EchoAsync (PLATFORM_BEFORE + 5) runs before the Fault Tolerance interceptors
 * (PLATFORM_AFTER + 10), so every FT policy applies per call, on Echo's worker thread.
 */
@ExtendWith(ArquillianExtension.class)
class FaultToleranceIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig("faulttolerance", "echo.workers=3\n", FaultToleranceIT.class, FtService.class);
    }

    @Inject
    FtService service;

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void retryRetriesOnTheEchoWorkerAtTheMethodsPriority() throws Exception {
        assertEquals("ok on attempt 3", await(service.flaky()));
        assertEquals(3, service.retryAttempts());
        assertEquals(3, service.retryThreads().size());
        for (String t : service.retryThreads()) {
            assertTrue(t.startsWith("echo-worker-") && t.endsWith("@HIGH"), service.retryThreads().toString());
        }
    }

    @Test
    void timeoutReallyInterruptsTheAttempt() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(service.slow()));
        assertInstanceOf(TimeoutException.class, e.getCause(), String.valueOf(e.getCause()));
        assertTrue(service.awaitTimeoutInterrupted(30), "the timed-out attempt was not interrupted");
    }

    @Test
    void circuitBreakerOpensAndStopsCallingTheMethod() throws Exception {
        for (int i = 0; i < 2; i++) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(service.broken()));
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
        ExecutionException open = assertThrows(ExecutionException.class, () -> await(service.broken()));
        assertInstanceOf(CircuitBreakerOpenException.class, open.getCause());
        assertEquals(2, service.brokenCalls(), "the open circuit still called the method");
    }

    @Test
    void fallbackRunsOnTheEchoWorker() throws Exception {
        String result = await(service.withFallback());
        assertTrue(result.startsWith("fallback on echo-worker-"), result);
    }

    @Test
    void bulkheadRejectsTheSecondConcurrentCall() throws Exception {
        Blocker inside = new Blocker();
        CompletableFuture<String> first = service.narrow(inside).toCompletableFuture();
        inside.awaitStarted();
        Blocker second = new Blocker();
        second.release(); // would pass straight through, if the bulkhead let it in
        ExecutionException rejected = assertThrows(ExecutionException.class, () -> await(service.narrow(second)));
        assertInstanceOf(BulkheadException.class, rejected.getCause());
        assertFalse(second.hasStarted(), "the second call entered the bulkhead");
        inside.release();
        assertEquals("through the bulkhead", first.get(30, TimeUnit.SECONDS));
    }
}
