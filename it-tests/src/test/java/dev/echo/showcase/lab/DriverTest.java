package dev.echo.showcase.lab;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The lab's driver stops at once when the application stops, instead of spinning until its deadline. */
class DriverTest {

    @Test
    void anInterruptedWaitEndsAtOnceAndKeepsTheFlag() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Thread.currentThread().interrupt();
            assertThrows(CancellationException.class, () -> Driver.sleepUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1)));
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        });
    }

    @Test
    void stoppingTheDriverEndsARunningOperationAndItsThread() throws Exception {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        Driver driver = new Driver(r -> {
            Thread t = new Thread(r, "driver-test");
            threads.add(t);
            return t;
        });
        Operation op = new Operation(1, "test", "echo", 1, "an hour-long wait");
        CountDownLatch waiting = new CountDownLatch(1);
        LabBudget budget = new LabBudget();
        driver.drive(op, budget.reserve(5, true), () -> {
            waiting.countDown();
            Driver.sleepUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        driver.stop();
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), "the driver thread ended after stop");
        }
        assertFalse(op.running(), "the operation ended");
        assertEquals(0, budget.driven(), "its slot was given back");
        assertEquals(0, budget.committed(), "its reservation was given back");
    }
}
