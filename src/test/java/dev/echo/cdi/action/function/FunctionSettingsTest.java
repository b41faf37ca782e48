package dev.echo.cdi.action.function;

import dev.echo.cdi.config.EchoConfig;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class FunctionSettingsTest {

    private static FunctionSettings of(Map<String, String> config) {
        return FunctionSettings.of("f", k -> Optional.ofNullable(config.get(k)));
    }

    @Test
    void nothingDeclaredIsNothingApplied() {
        FunctionSettings s = of(Map.of());
        assertTrue(s.rateLimit().isEmpty());
        assertTrue(s.maxStarts().isEmpty());
        assertTrue(s.timeout().isEmpty());
        assertEquals(Duration.ZERO, s.cacheFor());
    }

    @Test
    void theKeysAreRead() {
        FunctionSettings s = of(Map.of("echo.actions.function.f.rate-limit", "100/PT1S", "echo.actions.function.f.max-starts", "5/PT1S", "echo.actions.function.f.cache-for", "10m",
                "echo.actions.function.f.timeout", "adaptive", "echo.actions.function.f.timeout-max", "2s",
                "echo.actions.function.f.timeout-window", "20"));
        assertEquals("100/PT1S", s.rateLimit().orElseThrow().text());
        assertEquals(5, s.maxStarts().orElseThrow().count());
        assertEquals(Duration.ofMinutes(10), s.cacheFor());
        assertTrue(s.timeout().orElseThrow().isAdaptive());
        assertEquals(Duration.ofSeconds(2), s.timeout().orElseThrow().current(), "until samples exist: the maximum");
        FunctionSettings fixed = of(Map.of("echo.actions.function.f.timeout", "PT1.5S"));
        assertFalse(fixed.timeout().orElseThrow().isAdaptive());
        assertEquals(Duration.ofMillis(1500), fixed.timeout().orElseThrow().current());
    }

    @Test
    void badValuesFailNamingTheirKey() {
        Map<String, String> bad = Map.of(
                "echo.actions.function.f.timeout", "soon",
                "echo.actions.function.f.cache-for", "-PT1S",
                "echo.actions.function.f.max-starts", "5",
                "echo.actions.function.f.rate-limit", "many/PT1S",
                "echo.actions.function.f.timeout-multiplier", "3");
        bad.forEach((k, v) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(Map.of(k, v)), k + "=" + v);
            assertTrue(e.getMessage().contains(k), e.getMessage());
        });
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> of(Map.of("echo.actions.function.f.timeout", "0s")));
        assertTrue(zero.getMessage().contains("echo.actions.function.f.timeout"), zero.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> of(Map.of(
                "echo.actions.function.f.timeout", "adaptive", "echo.actions.function.f.timeout-min", "5s",
                "echo.actions.function.f.timeout-max", "1s")));
        assertTrue(range.getMessage().contains("echo.actions.function.f.timeout") && range.getMessage().contains("timeout-max"),
                range.getMessage());
        IllegalArgumentException multiplier = assertThrows(IllegalArgumentException.class, () -> of(Map.of(
                "echo.actions.function.f.timeout", "adaptive", "echo.actions.function.f.timeout-multiplier", "x")));
        assertTrue(multiplier.getMessage().contains("echo.actions.function.f.timeout-multiplier"), multiplier.getMessage());
        IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class,
                () -> EchoConfig.actionsCacheBytes(k -> Optional.of("-1")));
        assertTrue(bytes.getMessage().contains("echo.actions.cache-bytes"), bytes.getMessage());
    }
}
