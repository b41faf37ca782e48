package dev.echo.showcase.lab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The lab's caps: what is reserved, used, given back, and refused. */
class LabBudgetTest {

    @Test
    void aReservationPassingEitherCapIsRefusedAndTakesNothing() {
        LabBudget budget = new LabBudget();
        LabBudget.Ticket big = budget.reserve(LabBudget.MAX_TASKS - 10, false);
        LabBudget.LabBusyException e = assertThrows(LabBudget.LabBusyException.class, () -> budget.reserve(11, true));
        assertTrue(e.getMessage().contains("at most " + LabBudget.MAX_TASKS), e.getMessage());
        assertEquals(0, budget.driven(), "a refused driven reservation gives its slot back");
        assertEquals(LabBudget.MAX_TASKS - 10, budget.committed());
        List<LabBudget.Ticket> driven = new ArrayList<>();
        for (int i = 0; i < LabBudget.MAX_DRIVEN; i++) {
            driven.add(budget.reserve(1, true));
        }
        assertThrows(LabBudget.LabBusyException.class, () -> budget.reserve(0, true));
        assertEquals(LabBudget.MAX_TASKS - 10 + LabBudget.MAX_DRIVEN, budget.committed(), "the refused one took no tasks");
        driven.forEach(LabBudget.Ticket::close);
        big.close();
        assertEquals(0, budget.committed());
        assertEquals(0, budget.driven());
    }

    @Test
    void permitsComeBackToTheTicketWhileOpenAndToTheLabOnceClosed() {
        LabBudget budget = new LabBudget();
        LabBudget.Ticket ticket = budget.reserve(2, true);
        assertTrue(ticket.use());
        assertTrue(ticket.use());
        assertFalse(ticket.use(), "the window is full");
        ticket.ended();
        assertTrue(ticket.use(), "an ended task's permit is the ticket's again");
        assertEquals(2, budget.committed(), "while open, the ticket holds its reservation");
        ticket.ended(); // one task ended before the close: its permit is free
        ticket.close();
        assertEquals(1, budget.committed(), "the free permit went back; one task is still running");
        assertFalse(ticket.use(), "a closed ticket submits nothing");
        ticket.ended();
        assertEquals(0, budget.committed(), "the last task gave its permit to the lab");
        ticket.close();
        assertEquals(0, budget.committed(), "closing twice gives nothing back twice");
        assertEquals(0, budget.driven());
    }

    @Test
    void racingReservationsNeverPassTheCapAndEveryPermitReturnsOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                LabBudget budget = new LabBudget();
                LabBudget.Ticket base = budget.reserve(LabBudget.MAX_TASKS - 3, false);
                CyclicBarrier start = new CyclicBarrier(4);
                List<Future<LabBudget.Ticket>> tries = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    tries.add(pool.submit(() -> {
                        start.await();
                        try {
                            return budget.reserve(2, false);
                        } catch (LabBudget.LabBusyException e) {
                            return null;
                        }
                    }));
                }
                int granted = 0;
                List<LabBudget.Ticket> tickets = new ArrayList<>();
                for (Future<LabBudget.Ticket> f : tries) {
                    LabBudget.Ticket t = f.get(10, TimeUnit.SECONDS);
                    if (t != null) {
                        granted++;
                        tickets.add(t);
                    }
                }
                assertEquals(1, granted, "room for one reservation of 2 only");
                // tasks ending on other threads while the ticket closes: each permit returns once
                LabBudget.Ticket t = tickets.get(0);
                assertTrue(t.use());
                assertTrue(t.use());
                CyclicBarrier race = new CyclicBarrier(3);
                Future<?> a = pool.submit(() -> { race.await(); t.ended(); return null; });
                Future<?> b = pool.submit(() -> { race.await(); t.ended(); return null; });
                Future<?> c = pool.submit(() -> { race.await(); t.close(); return null; });
                a.get(10, TimeUnit.SECONDS);
                b.get(10, TimeUnit.SECONDS);
                c.get(10, TimeUnit.SECONDS);
                base.close();
                assertEquals(0, budget.committed(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
