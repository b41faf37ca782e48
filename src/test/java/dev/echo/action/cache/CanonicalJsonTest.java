package dev.echo.action.cache;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CanonicalJsonTest {

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void keyOrderAndNumberSpellingDoNotMatter() {
        Object a = ordered("a", 1L, "b", 2L);
        Object b = ordered("b", 2L, "a", new BigDecimal("1.0"));
        assertEquals("{\"a\":1,\"b\":2}", CanonicalJson.of(a));
        assertEquals(CanonicalJson.of(a), CanonicalJson.of(b));
        assertEquals(CanonicalJson.digest(a), CanonicalJson.digest(b));
        assertEquals(CanonicalJson.of(new BigDecimal("1E+2")), CanonicalJson.of(100));
        assertEquals(CanonicalJson.of(new BigDecimal("0.50")), CanonicalJson.of(0.5d));
        assertEquals(CanonicalJson.of(new BigDecimal("0.000")), CanonicalJson.of(0));
        assertEquals(CanonicalJson.of(List.of(ordered("y", null, "x", true))), "[{\"x\":true,\"y\":null}]");
    }

    @Test
    void differentContentIsDifferent() {
        assertNotEquals(CanonicalJson.digest(ordered("a", 1L)), CanonicalJson.digest(ordered("a", 2L)));
        assertNotEquals(CanonicalJson.digest(ordered("a", 1L)), CanonicalJson.digest(ordered("a", "1")));
        assertNotEquals(CanonicalJson.digest(List.of(1L, 2L)), CanonicalJson.digest(List.of(2L, 1L)), "arrays keep their order");
        assertNotEquals(CanonicalJson.digest("a\",\"b"), CanonicalJson.digest(List.of("a", "b")), "quotes are escaped");
        assertEquals("\"line\\u000abreak \\\\ \\\"q\\\"\"", CanonicalJson.of("line\nbreak \\ \"q\""));
        assertNotEquals(CanonicalJson.digest(null), CanonicalJson.digest("null"));
    }

    @Test
    void contentNestedTooDeepIsRefusedNamingTheDepth() {
        List<Object> outer = new ArrayList<>();
        List<Object> inner = outer;
        for (int i = 0; i < CanonicalJson.MAX_DEPTH + 5; i++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanonicalJson.of(outer));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
    }
}
