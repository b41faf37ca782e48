package dev.echo.showcase.lab;

import dev.echo.action.ActionRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The lab's durable actions ({@code POST /api/lab/actions}) under the lab's budget: at most
 * {@link #MAX_IN_PROGRESS} not yet final at once, and their work counted on Echo's lane like any
 * lab task (each action {@code max(1, millis)} ms), both released as the actions end. Before,
 * five requests put 4,747 one-second actions on the shared queue: about fifty would have filled
 * the engine's depth for every application, and the messages outlive a restart.
 *
 * <p>Invariants (guarded by {@code this}): {@code submissions} holds the ticket and the ids not yet
 * seen final of every admitted submission; {@code inProgress} is the sum of their ids; a ticket is
 * closed (its tasks and time back to the lab) exactly when its last id is seen final, or when
 * its submission failed.
 */
public final class LabActions {

    /** Most lab actions not yet final at once. */
    static final int MAX_IN_PROGRESS = 200;

    /** How long an action this server has not heard of yet still counts as in progress (over JMS its state arrives by the topic). */
    static final long UNKNOWN_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private record Submission(LabBudget.Ticket ticket, List<String> ids, long admittedAt) {
    }

    private final LabBudget budget;
    private final List<Submission> submissions = new ArrayList<>();
    private int inProgress;

    LabActions(LabBudget budget) {
        this.budget = budget;
    }

    /** An admitted submission: the ids to submit under it, and what to call if submitting fails. */
    public interface Admitted {
        List<String> ids();

        /** Submitting failed part-way: forget the ids not sent (what was sent is still tracked). */
        void failedAfter(int sent);
    }

    /**
     * Admits {@code count} actions of {@code millis} each, forgetting first the actions
     * {@code state} shows final (or no longer knows).
     *
     * @throws LabBudget.LabBusyException when more than {@link #MAX_IN_PROGRESS} would be in
     *                                    progress, or Echo's lane has no room for their work
     */
    synchronized Admitted admit(int count, int millis, Function<String, Optional<ActionRun.State>> state) {
        forgetFinished(state);
        if (inProgress + count > MAX_IN_PROGRESS) {
            throw new LabBudget.LabBusyException("the lab has " + inProgress + " actions in progress and at most "
                    + MAX_IN_PROGRESS + " at once; this needs " + count + ": try again when some have finished");
        }
        long cost = Math.max(1, millis);
        LabBudget.Ticket ticket = budget.reserve(count, java.util.Map.of("echo", count * cost), false);
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(java.util.UUID.randomUUID().toString());
        }
        Submission s = new Submission(ticket, ids, System.nanoTime());
        submissions.add(s);
        inProgress += count;
        return new Admitted() {
            @Override
            public List<String> ids() {
                return List.copyOf(ids);
            }

            @Override
            public void failedAfter(int sent) {
                synchronized (LabActions.this) {
                    int unsent = s.ids().size() - sent;
                    s.ids().subList(sent, s.ids().size()).clear();
                    inProgress -= unsent;
                    if (s.ids().isEmpty()) {
                        submissions.remove(s);
                        s.ticket().close();
                    }
                }
            }
        };
    }

    /**
     * Drops the actions {@code state} shows final, or does not know a minute after they were
     * admitted (forgotten since, or never sent); closes the tickets left without any.
     */
    synchronized void forgetFinished(Function<String, Optional<ActionRun.State>> state) {
        long now = System.nanoTime();
        for (var it = submissions.iterator(); it.hasNext(); ) {
            Submission s = it.next();
            int before = s.ids().size();
            boolean unknownMeansGone = now - s.admittedAt() > UNKNOWN_GRACE_NANOS;
            s.ids().removeIf(id -> state.apply(id).map(LabActions::isFinal).orElse(unknownMeansGone));
            inProgress -= before - s.ids().size();
            if (s.ids().isEmpty()) {
                it.remove();
                s.ticket().close();
            }
        }
    }

    private static boolean isFinal(ActionRun.State st) {
        return st == ActionRun.State.SUCCEEDED || st == ActionRun.State.FAILED || st == ActionRun.State.CANCELLED;
    }

    /** Lab actions not yet seen final (for the dashboard). */
    synchronized int inProgress() {
        return inProgress;
    }
}
