package dev.echo.action;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.*;

class LogTextTest {

    @Test
    void controlCharactersAreEscapedAndLongTextIsCut() {
        assertEquals("plain text: ok", LogText.escape("plain text: ok"));
        assertEquals("1\\n[12/7/26 10:00:00:000 UTC] 0000 FORGED\\r\\t\\u0000\\u001b[31m\\u2028\\u0085",
                LogText.escape("1\n[12/7/26 10:00:00:000 UTC] 0000 FORGED\r\t\u0000\u001b[31m\u2028\u0085"));
        assertEquals("null", LogText.escape(null));
        String cut = LogText.escape("x".repeat(1000));
        assertEquals(LogText.MAX_CHARS + 3, cut.length());
        assertTrue(cut.endsWith("..."));
        assertEquals("é ü 日本", LogText.escape("é ü 日本"), "printable non-ASCII stays");
    }

    @Test
    void aThrowableWhoseChainQuotesALineBreakIsLoggedOnOneLinePerCause() {
        IllegalArgumentException inner = new IllegalArgumentException("cannot bind '1\n[12/7/26 10:00:00:000 UTC] 00000042 FORGED E ALERT'");
        RuntimeException outer = new RuntimeException("binding failed", inner);
        Throwable safe = LogText.safe(outer);
        assertNotSame(outer, safe);
        assertEquals("java.lang.RuntimeException: binding failed", safe.toString(), "the class and message read as before");
        assertEquals("java.lang.IllegalArgumentException: cannot bind '1\\n[12/7/26 10:00:00:000 UTC] 00000042 FORGED E ALERT'",
                safe.getCause().toString());
        assertArrayEquals(inner.getStackTrace(), safe.getCause().getStackTrace(), "where it happened is kept");
        LogRecord r = new LogRecord(Level.INFO, "action x failed");
        r.setThrown(safe);
        String logged = new SimpleFormatter().format(r);
        for (String line : logged.split("\n")) {
            assertFalse(line.startsWith("[12/7/26"), "no line of the log is the caller's: " + logged);
        }
        RuntimeException clean = new RuntimeException("no control characters", new IllegalStateException("none here"));
        assertSame(clean, LogText.safe(clean), "nothing to escape: the throwable itself");
        assertNull(LogText.safe(null));
    }

    @Test
    void aCauseCycleDoesNotLoop() {
        RuntimeException a = new RuntimeException("a\nb");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        Throwable safe = LogText.safe(b);
        int depth = 0;
        for (Throwable t = safe; t != null; t = t.getCause()) {
            depth++;
        }
        assertTrue(depth <= 34, "bounded: " + depth);
    }
}
