package dev.echo.action;

/**
 * What Echo writes to a log when part of it came from a caller (an id, a name, a key, a JSON
 * field, an exception message that quotes the content it could not bind): control characters,
 * including the Unicode line and paragraph separators, are escaped, so a caller cannot start a
 * forged line in messages.log; and the text is cut at {@value #MAX_CHARS} characters. One helper
 * for the whole library. Stateless.
 */
public final class LogText {

    /** Longest caller text kept in a log line; the rest is replaced by "...". */
    public static final int MAX_CHARS = 512;

    private LogText() {
    }

    /** {@code text} with every control character escaped ({@code \n}, {@code \r}, {@code \t}, {@code \\uXXXX}), cut to {@link #MAX_CHARS}. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = null;
        int n = Math.min(text.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && b == null) {
                b = new StringBuilder(n + 16).append(text, 0, i);
            }
            if (b != null) {
                if (replacement != null) {
                    b.append(replacement);
                } else {
                    b.append(c);
                }
            }
        }
        String out = b == null ? text.substring(0, n) : b.toString();
        return text.length() > MAX_CHARS ? out + "..." : out;
    }

    private static String replacement(char c) {
        if (c == '\n') {
            return "\\n";
        }
        if (c == '\r') {
            return "\\r";
        }
        if (c == '\t') {
            return "\\t";
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }

    /**
     * {@code t} as it may be logged: itself when no message of its cause chain holds a control
     * character, else a copy of the chain (same classes named, same stack traces) whose messages
     * are {@link #escape escaped}. The log formatter prints each cause's message on a line of its
     * own; a message with a line break in it would print a forged line.
     */
    public static Throwable safe(Throwable t) {
        if (t == null || clean(t)) {
            return t;
        }
        return copy(t, 0);
    }

    private static boolean clean(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 32; c = c.getCause() == c ? null : c.getCause(), depth++) {
            String m = c.getMessage();
            if (m != null && !escape(m).equals(m)) {
                return false;
            }
        }
        return true;
    }

    private static Throwable copy(Throwable t, int depth) {
        Throwable cause = t.getCause();
        Throwable copiedCause = cause != null && cause != t && depth < 32 ? copy(cause, depth + 1) : null;
        Escaped e = new Escaped(t.getClass().getName(), t.getMessage() == null ? null : escape(t.getMessage()), copiedCause);
        e.setStackTrace(t.getStackTrace());
        return e;
    }

    /** A logged stand-in for a throwable whose message was escaped: prints as the original's class and message. */
    private static final class Escaped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String className;

        Escaped(String className, String message, Throwable cause) {
            super(message, cause, false, true);
            this.className = className;
        }

        @Override
        public String toString() {
            String m = getLocalizedMessage();
            return m == null ? className : className + ": " + m;
        }
    }
}
