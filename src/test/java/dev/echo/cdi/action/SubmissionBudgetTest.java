package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.RetryPolicy;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class SubmissionBudgetTest {

    /** The defaults: max-delay one day, max-next 32, max-attempts 10, max-work 1,000. */
    private static final SubmissionBudget DEFAULTS = SubmissionBudget.of(k -> Optional.empty());

    private static Action action(RetryPolicy retry, Duration delay, Duration timeout, List<Action> next) {
        return new Action("id", "work", "x", Priority.NORMAL,
                new Action.Metadata(delay, List.of(), List.of(), next, retry, timeout, null, null));
    }

    private static RetryPolicy retry(int attempts, Duration initial, Duration max, Duration jitter) {
        return new RetryPolicy(attempts, initial, max, 2.0, jitter);
    }

    private static String refusal(SubmissionBudget budget, Action a) {
        ActionJson.ActionJsonException e = assertThrows(ActionJson.ActionJsonException.class, () -> budget.check(a));
        return e.path() + " | " + e.getMessage();
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertEquals(new SubmissionBudget(Duration.ofDays(1), 32, 10, 1000), DEFAULTS);
        assertEquals(new SubmissionBudget(Duration.ofSeconds(5), 3, 4, 50), SubmissionBudget.of(k -> Optional.ofNullable(Map.of(
                "echo.actions.max-delay", "5s", "echo.actions.max-next", "3", "echo.actions.max-attempts", "4",
                "echo.actions.max-work", "50").get(k))));
    }

    @Test
    void everyDurationOfAnActionIsWithinMaxDelayNotOnlyItsDelay() {
        Duration year = Duration.ofDays(365);
        Duration ms = Duration.ofMillis(1);
        assertTrue(refusal(DEFAULTS, action(retry(3, year, year, ms), Duration.ZERO, Duration.ZERO, List.of()))
                .startsWith("$.metadata.retry.initialDelay | "), "a 365-day retry delay is as much a parking as a delay");
        assertTrue(refusal(DEFAULTS, action(retry(3, ms, year, ms), Duration.ZERO, Duration.ZERO, List.of()))
                .startsWith("$.metadata.retry.maxDelay | "));
        assertTrue(refusal(DEFAULTS, action(retry(3, ms, ms, year), Duration.ZERO, Duration.ZERO, List.of()))
                .startsWith("$.metadata.retry.jitter | "));
        assertTrue(refusal(DEFAULTS, action(RetryPolicy.NONE, Duration.ZERO, year, List.of())).startsWith("$.metadata.timeout | "));
        String delay = refusal(DEFAULTS, action(RetryPolicy.NONE, Duration.ofDays(2), Duration.ZERO, List.of()));
        assertTrue(delay.startsWith("$.metadata.delay | ") && delay.contains("at most 86400000 ms (echo.actions.max-delay)")
                && delay.contains("was 172800000"), delay);
        Action deep = action(RetryPolicy.NONE, Duration.ZERO, Duration.ZERO, List.of(
                action(RetryPolicy.NONE, Duration.ZERO, Duration.ZERO, List.of()),
                action(retry(2, year, year, ms), Duration.ZERO, Duration.ZERO, List.of())));
        assertTrue(refusal(DEFAULTS, deep).startsWith("$.metadata.next[1].metadata.retry.initialDelay | "), "named where it is");
        DEFAULTS.check(action(retry(10, Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1)), Duration.ofDays(1),
                Duration.ofDays(1), List.of())); // at the limits: accepted
    }

    @Test
    void attemptsAreWithinMaxAttempts() {
        String r = refusal(DEFAULTS, action(retry(11, Duration.ZERO, Duration.ZERO, Duration.ZERO), Duration.ZERO, Duration.ZERO,
                List.of()));
        assertTrue(r.startsWith("$.metadata.retry.maxAttempts | ") && r.contains("at most 10 (echo.actions.max-attempts), was 11"), r);
    }

    @Test
    void theWholeSubmissionsWorstCaseIsWithinMaxWork() {
        // the review's request: a wide chain, every action retrying: 1 + 32 + 32 × 32 actions of 10 attempts
        List<Action> leaves = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            leaves.add(action(retry(10, Duration.ZERO, Duration.ZERO, Duration.ZERO), Duration.ZERO, Duration.ZERO, List.of()));
        }
        List<Action> middle = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            middle.add(action(retry(10, Duration.ZERO, Duration.ZERO, Duration.ZERO), Duration.ZERO, Duration.ZERO, leaves));
        }
        Action wide = action(retry(10, Duration.ZERO, Duration.ZERO, Duration.ZERO), Duration.ZERO, Duration.ZERO, middle);
        String r = refusal(DEFAULTS, wide);
        assertTrue(r.startsWith("$ | ") && r.contains("up to " + (10 + 32 * 10 + 32 * 32 * 10) + " function and hook invocations")
                && r.contains("at most 1000 (echo.actions.max-work)"), r);
        // hooks are invocations too: 100 attempts × (function + 4 hooks) = 500 fits, × 2 does not
        Action hooked = new Action("h", "work", "x", Priority.NORMAL, new Action.Metadata(Duration.ZERO, List.of("a", "b"),
                List.of("c", "d"), List.of(), retry(10, Duration.ZERO, Duration.ZERO, Duration.ZERO), Duration.ZERO, null, null));
        List<Action> tenHooked = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            tenHooked.add(hooked);
        }
        DEFAULTS.check(new Action("root", "work", "x", Priority.NORMAL, new Action.Metadata(Duration.ZERO, List.of(), List.of(),
                tenHooked, RetryPolicy.NONE, Duration.ZERO, null, null))); // 1 + 19 × 50 = 951
        tenHooked.add(hooked);
        String over = refusal(DEFAULTS, new Action("root", "work", "x", Priority.NORMAL, new Action.Metadata(Duration.ZERO, List.of(),
                List.of(), tenHooked, RetryPolicy.NONE, Duration.ZERO, null, null))); // 1 + 20 × 50 = 1001
        assertTrue(over.contains("up to 1001 "), over);
    }

    @Test
    void aNextListIsWithinMaxNext() {
        List<Action> many = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            many.add(action(RetryPolicy.NONE, Duration.ZERO, Duration.ZERO, List.of()));
        }
        String r = refusal(new SubmissionBudget(Duration.ofDays(1), 3, 10, 1000), action(RetryPolicy.NONE, Duration.ZERO,
                Duration.ZERO, many));
        assertTrue(r.startsWith("$.metadata.next | ") && r.endsWith("4 chained actions; at most 3 (echo.actions.max-next)"), r);
    }

    @Test
    void badSettingsFailNamingTheKey() {
        for (String[] bad : new String[][]{{"echo.actions.max-attempts", "0"}, {"echo.actions.max-attempts", "1001"},
                {"echo.actions.max-work", "0"}, {"echo.actions.max-work", "many"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SubmissionBudget.of(k -> Optional.ofNullable(Map.of(bad[0], bad[1]).get(k))));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }
}
