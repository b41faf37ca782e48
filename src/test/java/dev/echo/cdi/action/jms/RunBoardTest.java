package dev.echo.cdi.action.jms;

import dev.echo.cdi.action.RunBook;

import dev.echo.action.ActionException;
import dev.echo.action.ActionRun.State;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The replicated view of runs: which state wins, ownership, keys, cancel requests, bounds. */
class RunBoardTest {

    private static final RunBook.Owner ALICE = RunBook.Owner.caller("alice");
    private static final RunBook.Owner BOB = RunBook.Owner.caller("bob");

    private static RunStatus status(String id, RunBook.Owner owner, String key, State state, int attempts, String server,
                                    int deliveries, long version) {
        return new RunStatus(id, "work", owner, key, state, attempts, server, deliveries, deliveries > 1, null,
                state == State.FAILED ? ActionException.Kind.EXECUTION : null, version);
    }

    @Test
    void laterDeliveriesAndMoreAttemptsWinAndAFinalStateIsNeverReplaced() {
        RunBoard board = new RunBoard(10);
        assertTrue(board.apply(status("x", ALICE, null, State.QUEUED, 0, "a", 0, 1)));
        assertTrue(board.apply(status("x", ALICE, null, State.RUNNING, 1, "b", 1, 1)));
        // a late QUEUED of the first delivery (another publisher's counter is higher) does not go back
        assertFalse(board.apply(status("x", ALICE, null, State.QUEUED, 0, "a", 0, 99)));
        // B died: A's redelivery wins over B's RUNNING even though its own counter is lower
        assertTrue(board.apply(status("x", ALICE, null, State.QUEUED, 1, "a", 2, 1)));
        assertTrue(board.apply(status("x", ALICE, null, State.RUNNING, 2, "a", 2, 2)));
        assertFalse(board.apply(status("x", ALICE, null, State.RUNNING, 1, "b", 1, 50)), "B's stale state arrives late");
        assertTrue(board.apply(status("x", ALICE, null, State.SUCCEEDED, 2, "a", 2, 3)));
        assertFalse(board.apply(status("x", ALICE, null, State.FAILED, 3, "a", 3, 9)), "the first final state stays");
        RunStatus s = board.get("x").orElseThrow();
        assertEquals(State.SUCCEEDED, s.state());
        assertEquals(2, s.attempts());
        assertTrue(s.redelivered());
    }

    @Test
    void onlyTheOwnerOrTheApplicationFindsARunAndKeysAreTheOwnersOwn() {
        RunBoard board = new RunBoard(10);
        board.apply(status("x", ALICE, "k", State.QUEUED, 0, "a", 0, 1));
        assertTrue(board.find("x", ALICE).isPresent());
        assertTrue(board.find("x", RunBook.Owner.APPLICATION).isPresent());
        assertTrue(board.find("x", BOB).isEmpty());
        assertTrue(board.find("x", RunBook.Owner.ANONYMOUS).isEmpty());
        assertEquals("x", board.byKey(ALICE, "k").orElseThrow().id());
        assertTrue(board.byKey(BOB, "k").isEmpty());
        assertTrue(board.byKey(ALICE, null).isEmpty());
        board.apply(status("y", RunBook.Owner.ANONYMOUS, "k", State.QUEUED, 0, "a", 0, 1));
        assertTrue(board.byKey(RunBook.Owner.ANONYMOUS, "k").isEmpty(), "anonymous callers' keys deduplicate nothing");
    }

    @Test
    void aCancelRequestIsRememberedUntilTheRunEndsAndNotTakenForAnEndedRun() {
        RunBoard board = new RunBoard(10);
        board.apply(status("x", ALICE, null, State.DELAYED, 0, "a", 0, 1));
        board.requestCancel("x");
        assertTrue(board.cancelRequested("x"));
        board.apply(status("x", ALICE, null, State.CANCELLED, 0, "b", 1, 1));
        assertFalse(board.cancelRequested("x"));
        board.requestCancel("x");
        assertFalse(board.cancelRequested("x"), "an ended run is not cancelled");
        board.requestCancel("unknown-yet");
        assertTrue(board.cancelRequested("unknown-yet"), "a cancel may arrive before the run's first state");
    }

    @Test
    void theLeastRecentlyChangedRunsAreDroppedWithTheirKeys() {
        RunBoard board = new RunBoard(3);
        for (int i = 0; i < 5; i++) {
            board.apply(status("r" + i, ALICE, "k" + i, State.SUCCEEDED, 1, i % 2 == 0 ? "a" : "b", 1, 1));
        }
        assertEquals(3, board.size());
        assertTrue(board.get("r0").isEmpty() && board.get("r1").isEmpty());
        assertTrue(board.byKey(ALICE, "k0").isEmpty(), "a dropped run's key leads nowhere");
        assertEquals("r4", board.byKey(ALICE, "k4").orElseThrow().id());
        assertEquals(Map.of("a", Map.of(State.SUCCEEDED, 2), "b", Map.of(State.SUCCEEDED, 1)), board.byServer());
    }

    private static RunStatus finished(String id, String result) {
        return new RunStatus(id, "work", ALICE, null, State.SUCCEEDED, 1, "a", 1, false, result, null, 1);
    }

    @Test
    void theBoardIsBoundedInEstimatedBytesTheOldestFinalRunsForgottenFirst() {
        String big = "r".repeat(64 * 1024); // the largest result the topic carries
        long one = finished("f0", big).weight();
        assertTrue(one > 2 * 64 * 1024, "two bytes per character and the overhead: " + one);
        RunBoard board = new RunBoard(10_000, 3 * one + one / 2); // count would allow 10,000: bytes allow 3
        for (int i = 0; i < 5; i++) {
            board.apply(finished("f" + i, big));
        }
        assertEquals(3, board.size(), "5,000 such results held 313 MiB when only the count was bounded");
        assertTrue(board.get("f0").isEmpty() && board.get("f1").isEmpty(), "the oldest first");
        assertTrue(board.get("f4").isPresent());
        assertTrue(board.bytes() <= 3 * one + one / 2, board.bytes() + " bytes");
    }

    @Test
    void aRunNotYetFinalIsNeverDroppedAndIsCountedLivePerOwner() {
        RunBoard board = new RunBoard(2);
        board.apply(status("live-a", ALICE, null, State.RUNNING, 1, "a", 1, 1));
        board.apply(status("live-b", BOB, null, State.QUEUED, 0, "a", 0, 1));
        for (int i = 0; i < 5; i++) {
            board.apply(status("done" + i, BOB, null, State.SUCCEEDED, 1, "a", 1, 1));
        }
        assertTrue(board.find("live-a", ALICE).isPresent(), "alice can still read (and so cancel) her live run");
        assertTrue(board.get("live-b").isPresent());
        assertEquals(3, board.size(), "the two live runs and the newest final one");
        assertEquals(2, board.live());
        assertEquals(1, board.live(ALICE));
        assertEquals(1, board.live(BOB));
        board.apply(status("live-a", ALICE, null, State.SUCCEEDED, 1, "a", 1, 2));
        assertEquals(1, board.live());
        assertEquals(0, board.live(ALICE));
        board.apply(status("live-b", BOB, null, State.RUNNING, 1, "a", 1, 1));
        assertEquals(1, board.live(BOB), "a second non-final state of one run counts once");
        assertFalse(board.apply(status("live-a", ALICE, null, State.FAILED, 1, "a", 1, 3)), "final stays final");
        assertEquals(0, board.live(ALICE));
    }

    @Test
    void aSubmissionOverJmsIsAdmittedByTheBoardsLiveRuns() {
        RunBoard board = new RunBoard(100);
        board.apply(status("a1", ALICE, null, State.QUEUED, 0, "a", 0, 1));
        board.apply(status("a2", ALICE, null, State.RUNNING, 1, "b", 1, 1));
        board.apply(status("b1", BOB, null, State.QUEUED, 0, "a", 0, 1));
        dev.echo.cdi.action.EchoActionsAccess.requireRoom(board, BOB, 4, 2); // bob has 1 of 2, 3 of 4 in all
        var perCaller = assertThrows(dev.echo.cdi.action.TooManyLiveRunsException.class,
                () -> dev.echo.cdi.action.EchoActionsAccess.requireRoom(board, ALICE, 4, 2));
        assertEquals("echo.actions.max-live-per-caller", perCaller.limit());
        dev.echo.cdi.action.EchoActionsAccess.requireRoom(board, RunBook.Owner.APPLICATION, 4, 2); // not a caller
        board.apply(status("b2", BOB, null, State.QUEUED, 0, "a", 0, 1));
        var total = assertThrows(dev.echo.cdi.action.TooManyLiveRunsException.class,
                () -> dev.echo.cdi.action.EchoActionsAccess.requireRoom(board, RunBook.Owner.APPLICATION, 4, 2));
        assertEquals("echo.actions.max-live", total.limit());
        board.apply(status("a1", ALICE, null, State.SUCCEEDED, 1, "a", 1, 2));
        dev.echo.cdi.action.EchoActionsAccess.requireRoom(board, ALICE, 4, 2); // one of hers ended
    }

    @Test
    void theWireFormRoundTripsAndDescribesLikeALocalRun() {
        RunStatus s = new RunStatus("x", "work", ALICE, "k", State.SUCCEEDED, 2, "echo-b", 2, true,
                "{\"n\":1}", null, 7);
        RunStatus back = RunStatus.parse(RunStatus.read(s.toJson()));
        assertEquals(s, back);
        var d = back.describe();
        assertEquals("SUCCEEDED", d.getString("state"));
        assertEquals(1, d.getJsonObject("result").getInt("n"));
        assertEquals("echo-b", d.getString("server"));
        assertTrue(d.getBoolean("redelivered"));
        RunStatus failed = new RunStatus("y", "?", RunBook.Owner.APPLICATION, null, State.FAILED, 0, "echo-a", 3, true,
                null, ActionException.Kind.ROUTING, 1);
        var f = RunStatus.parse(RunStatus.read(failed.toJson())).describe();
        assertEquals("ROUTING", f.getJsonObject("error").getString("kind"));
        assertTrue(f.getJsonObject("error").getString("message").contains("exception destination"), f.toString());
    }
}
