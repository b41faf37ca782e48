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

    @Test
    void eachExecutorsTaskTimeIsCappedAndARefusalOnOneLaneTakesNothingAnywhere() {
        LabBudget budget = new LabBudget();
        // the review's request: 200,000 tasks of 100 ms on Liberty's executor, which serves HTTP too
        LabBudget.LabBusyException e = assertThrows(LabBudget.LabBusyException.class,
                () -> budget.reserve(200_000, java.util.Map.of("liberty", 200_000L * 100), false));
        assertTrue(e.getMessage().contains("may hold at most " + LabBudget.LIBERTY_LANE_MILLIS + " ms")
                && e.getMessage().contains("serves HTTP"), e.getMessage());
        assertEquals(0, budget.committed(), "the tasks taken before the lane refused were given back");
        // both lanes: Echo's has room, Liberty's does not: nothing is kept on either
        assertThrows(LabBudget.LabBusyException.class, () -> budget.reserve(10,
                java.util.Map.of("echo", 1_000L, "liberty", LabBudget.LIBERTY_LANE_MILLIS + 1), true));
        assertEquals(0, budget.laneMillis("echo"));
        assertEquals(0, budget.laneMillis("liberty"));
        assertEquals(0, budget.driven(), "nor the driven slot");
        LabBudget.Ticket full = budget.reserve(20, java.util.Map.of("liberty", LabBudget.LIBERTY_LANE_MILLIS), false);
        assertThrows(LabBudget.LabBusyException.class, () -> budget.reserve(1, java.util.Map.of("liberty", 1L), false));
        budget.reserve(1, java.util.Map.of("echo", 100L), false).close(); // Echo's lane is its own
        // a task takes its time from the ticket, and gives it back when it ends
        assertTrue(full.use("liberty", 100));
        assertFalse(full.use("liberty", LabBudget.LIBERTY_LANE_MILLIS), "no more than the ticket holds");
        assertFalse(full.use("echo", 1), "nor on a lane it did not reserve");
        full.close(); // the 1,900 ms not used go back at once, the running task's 100 ms when it ends
        assertEquals(100, budget.laneMillis("liberty"));
        full.ended("liberty", 100);
        assertEquals(0, budget.laneMillis("liberty"));
        assertEquals(0, budget.committed());
    }

    @Test
    void labActionsAreBoundedInProgressAndGiveTheirBudgetBackAsTheyEnd() {
        LabBudget budget = new LabBudget();
        LabActions actions = new LabActions(budget);
        java.util.Map<String, dev.echo.action.ActionRun.State> states = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<String, java.util.Optional<dev.echo.action.ActionRun.State>> state =
                id -> java.util.Optional.ofNullable(states.get(id));
        LabActions.Admitted first = actions.admit(150, 1000, state);
        first.ids().forEach(id -> states.put(id, dev.echo.action.ActionRun.State.QUEUED));
        assertEquals(150, actions.inProgress());
        assertEquals(150_000, budget.laneMillis("echo"), "their work counts on Echo's lane");
        LabBudget.LabBusyException e = assertThrows(LabBudget.LabBusyException.class, () -> actions.admit(51, 0, state));
        assertTrue(e.getMessage().contains("at most " + LabActions.MAX_IN_PROGRESS), e.getMessage());
        LabActions.Admitted second = actions.admit(50, 0, state);
        second.failedAfter(10); // the queue refused the eleventh: forty never left
        second.ids().forEach(id -> states.put(id, dev.echo.action.ActionRun.State.RUNNING));
        assertEquals(160, actions.inProgress());
        // 100 of the first end; the ten of the second end: the budget comes back as the lab sees it
        first.ids().subList(0, 100).forEach(id -> states.put(id, dev.echo.action.ActionRun.State.SUCCEEDED));
        second.ids().forEach(id -> states.put(id, dev.echo.action.ActionRun.State.CANCELLED));
        actions.forgetFinished(state);
        assertEquals(50, actions.inProgress());
        assertEquals(150_000, budget.laneMillis("echo"), "a submission's time comes back when its last action ends");
        first.ids().forEach(id -> states.put(id, dev.echo.action.ActionRun.State.FAILED));
        actions.forgetFinished(state);
        assertEquals(0, actions.inProgress());
        assertEquals(0, budget.laneMillis("echo"));
        assertEquals(0, budget.committed());
        // an action this server has not heard of yet (over JMS its state comes by the topic) still counts
        LabActions.Admitted unheard = actions.admit(5, 0, state);
        actions.forgetFinished(state);
        assertEquals(5, actions.inProgress(), "not yet known is not ended: " + unheard.ids());
    }
}
