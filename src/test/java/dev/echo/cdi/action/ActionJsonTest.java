package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.RetryPolicy;
import dev.echo.task.Priority;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ActionJsonTest {

    static final String FULL = """
            {"name": "reserve", "content": {"sku": "A-1", "qty": 2, "price": 9.95, "tags": ["x", null, true]},
             "priority": "HIGH",
             "metadata": {"delay": 250, "hooks": {"before": ["audit"], "after": ["notify"]},
                          "next": [{"name": "confirm", "metadata": {"retry": {"maxAttempts": 2}}}],
                          "retry": {"maxAttempts": 3, "initialDelay": 100, "maxDelay": 2000, "multiplier": 2.0, "jitter": 50},
                          "timeout": 5000, "idempotencyKey": "order-42"}}
            """;

    @Test
    void readsEveryField() {
        Action a = ActionJson.read(FULL);
        assertEquals(36, a.id().length(), "a server-assigned UUID");
        assertEquals("reserve", a.name());
        assertEquals(Priority.HIGH, a.priority());
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) a.content();
        assertEquals(2L, content.get("qty"));
        assertEquals(new BigDecimal("9.95"), content.get("price"));
        assertEquals(java.util.Arrays.asList("x", null, true), content.get("tags"));
        Action.Metadata m = a.metadata();
        assertEquals(Duration.ofMillis(250), m.delay());
        assertEquals(List.of("audit"), m.before());
        assertEquals(List.of("notify"), m.after());
        assertEquals("confirm", m.next().get(0).name());
        assertEquals(2, m.next().get(0).metadata().retry().maxAttempts());
        assertEquals(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(2000), 2.0, Duration.ofMillis(50)), m.retry());
        assertEquals(Duration.ofSeconds(5), m.timeout());
        assertNull(m.requiredRole(), "never read from a request");
        assertEquals("order-42", m.idempotencyKey());
    }

    @Test
    void roundTripsWithoutLossButTheId() {
        Action a = ActionJson.read(FULL);
        String written = ActionJson.write(a);
        assertFalse(written.contains(a.id()), "the id travels beside the JSON, never in it: " + written);
        Action again = ActionJson.read(written);
        assertNotEquals(a.id(), again.id(), "every read is a new submission with a new id");
        assertEquals(new Action(a.id(), again.name(), again.content(), again.priority(), again.metadata()), a);
        assertEquals(written, ActionJson.write(again));
    }

    @Test
    void aClientCannotChooseTheIdAtAnyLevel() {
        assertTrue(problem("{\"id\": \"mine\", \"name\": \"a\"}").startsWith("$.id: unknown field"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"next\": [{\"id\": \"x\", \"name\": \"b\"}]}}")
                .startsWith("$.metadata.next[0].id: unknown field"));
    }

    @Test
    void generatedIdsAreUuidsThatDoNotRepeat() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ActionJson.read("{\"name\": \"ping\"}").id();
            assertEquals(4, java.util.UUID.fromString(id).version(), "random (version 4): " + id);
            assertTrue(ids.add(id), "repeated: " + id);
        }
    }

    @Test
    void minimalActionsGetDefaultsAndAGeneratedId() {
        Action a = ActionJson.read("{\"name\": \"ping\"}");
        assertEquals("ping", a.name());
        assertEquals(Priority.NORMAL, a.priority());
        assertEquals(36, a.id().length());
        assertEquals(Action.Metadata.NONE, a.metadata());
        assertNull(a.content());
    }

    private static String problem(String json) {
        return assertThrows(ActionJson.ActionJsonException.class, () -> ActionJson.read(json)).getMessage();
    }

    @Test
    void unknownFieldsAreRejectedWithTheirPath() {
        assertTrue(problem("{\"name\": \"a\", \"colour\": 1}").startsWith("$.colour: unknown field"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"retries\": 3}}").startsWith("$.metadata.retries: unknown field"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"retry\": {\"max\": 3}}}").startsWith("$.metadata.retry.max: unknown field"));
        // no polymorphic type names: "@class" is just an unknown field, nothing is instantiated
        assertTrue(problem("{\"@class\": \"java.lang.ProcessBuilder\", \"name\": \"a\"}").startsWith("$.@class: unknown field"));
    }

    @Test
    void wrongTypesAndValuesAreRejectedWithTheirPath() {
        assertEquals("$.name: is required and must be a non-blank string", problem("{\"content\": 1}"));
        assertTrue(problem("{\"name\": 7}").startsWith("$.name: must be a string, was number"));
        assertTrue(problem("{\"name\": \"a\", \"priority\": \"URGENT\"}").startsWith("$.priority: must be one of HIGH, NORMAL, LOW"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"delay\": \"soon\"}}").startsWith("$.metadata.delay: must be a whole number"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"delay\": -5}}").startsWith("$.metadata.delay: must be between 0"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"retry\": {\"maxAttempts\": 0}}}").startsWith("$.metadata.retry.maxAttempts"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"retry\": {\"initialDelay\": 100, \"maxDelay\": 10}}}")
                .contains("retry.maxDelay"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"next\": [{\"content\": 1}]}}").startsWith("$.metadata.next[0].name"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"hooks\": {\"before\": [1]}}}").startsWith("$.metadata.hooks.before[0]"));
        assertTrue(problem("[1, 2]").startsWith("$: must be an object"));
    }

    @Test
    void hostileInputsAreRejectedCheaply() {
        assertTrue(problem("").startsWith("$: the body is empty"));
        assertTrue(problem("{\"name\": ").startsWith("$.name: malformed JSON at line 1"), problem("{\"name\": "));
        assertTrue(problem("{\"name\": \"a\"} trailing").startsWith("$: malformed JSON"));
        String deep = "{\"name\": \"a\", \"content\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertTrue(problem(deep).contains("nesting deeper than 64"));
        String huge = "{\"name\": \"a\", \"content\": \"" + "x".repeat(ActionJson.MAX_CHARS) + "\"}";
        assertTrue(problem(huge).contains("at most " + ActionJson.MAX_CHARS));
        // brackets inside strings do not count as nesting
        assertEquals("[[[[", ActionJson.read("{\"name\": \"a\", \"content\": \"[[[[\"}").content());
    }

    @Test
    void theRequestCannotChooseItsOwnRole() {
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"requiredRole\": \"orders\"}}")
                .startsWith("$.metadata.requiredRole: unknown field"));
    }

    @Test
    void hugeNumbersDuplicateKeysAndBadNamesAreRejectedWithTheirPath() {
        assertEquals("$.content[2]: a number of 2000 characters; at most 40",
                problem("{\"name\": \"a\", \"content\": [1, 2, " + "9".repeat(2000) + "]}"));
        assertEquals("$.content.x[1].y: a number with exponent 999; at most 308 either way",
                problem("{\"name\": \"a\", \"content\": {\"x\": [1, {\"y\": 1e999}]}}"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"delay\": 1E-400}}").startsWith("$.metadata.delay: a number with exponent -400"));
        assertEquals("$.name: duplicate key", problem("{\"name\": \"a\", \"name\": \"b\"}"));
        assertEquals("$.content.k: duplicate key", problem("{\"name\": \"a\", \"content\": {\"k\": 1, \"k\": 2}}"));
        assertTrue(problem("{\"name\": \"a:b\"}").startsWith("$.name: must be 1 to 128 letters"), "':' is kept for chained ids");
        assertTrue(problem("{\"name\": \"x\\r\\ny\"}").endsWith("was 'x??y'"), "no CR/LF in a message");
        assertTrue(problem("{\"name\": \"{x}\"}").startsWith("$.name: must be"));
        assertTrue(problem("{\"name\": \"" + "i".repeat(129) + "\"}").startsWith("$.name: must be"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"hooks\": {\"after\": [\"ok\", \"../x\"]}}}")
                .startsWith("$.metadata.hooks.after[1]: must be"));
        assertTrue(problem("{\"name\": \"a\", \"metadata\": {\"idempotencyKey\": \"k\\u0000\"}}")
                .startsWith("$.metadata.idempotencyKey: must be 1 to 200"));
        assertNotNull(ActionJson.read("{\"name\": \"" + "i".repeat(128) + "\"}"), "the limits themselves pass");
        assertNotNull(ActionJson.read("{\"name\": \"a.b_c~d-1\"}"), "the limits themselves pass");
    }

    @Test
    void theChainIsBoundedInTotal() {
        String next = "{\"name\": \"n\"}";
        String wide = "{\"name\": \"a\", \"metadata\": {\"next\": [" + String.join(", ", java.util.Collections.nCopies(256, next)) + "]}}";
        assertEquals("$.metadata.next: 256 chained actions; a whole chain has at most 256 actions", problem(wide));
        String widest = "{\"name\": \"a\", \"metadata\": {\"next\": [" + String.join(", ", java.util.Collections.nCopies(255, next)) + "]}}";
        assertEquals(255, ActionJson.read(widest).metadata().next().size(), "255 and the action itself: 256");
        // 32 at each of two levels: 1 + 32 + 32 * 32 actions, each level within its own cap
        String level = "{\"name\": \"m\", \"metadata\": {\"next\": [" + String.join(", ", java.util.Collections.nCopies(32, next)) + "]}}";
        String deep = "{\"name\": \"a\", \"metadata\": {\"next\": [" + String.join(", ", java.util.Collections.nCopies(32, level)) + "]}}";
        assertEquals("$.metadata.next: the chain names 1057 actions; at most 256", problem(deep));
    }
}
