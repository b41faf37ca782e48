package dev.echo.action.cache;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One text per JSON value, whatever its spelling: object keys sorted (by UTF-16 code units),
 * numbers by value ({@code 1}, {@code 1.0} and {@code 1e0} are one number: a
 * {@code BigDecimal} without trailing zeros, written in its unique {@code toString} form), no
 * white space. Two contents with one canonical text are the same content for the result cache.
 *
 * <p>Takes the action system's JSON-like values ({@code Map}, {@code List}/{@code Iterable},
 * {@code String}, {@code Number}, {@code Boolean}, {@code null}); anything else is written as the
 * string of its {@code toString()}, as the run's JSON writes it. Non-finite doubles are the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, as in the run's JSON.
 */
public final class CanonicalJson {

    /** Deeper than this is refused (the REST reader already allows far less). */
    static final int MAX_DEPTH = 256;

    private CanonicalJson() {
    }

    /** The canonical text of {@code value}; {@link IllegalArgumentException} when it nests deeper than 256. */
    public static String of(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    /** One SHA-256 engine per thread: looking one up per digest costs more than the digest of a small content. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    /** The SHA-256 of {@code value}'s canonical text: what the cache keeps instead of the content. */
    public static String digest(Object value) {
        byte[] text = of(value).getBytes(StandardCharsets.UTF_8);
        MessageDigest sha = SHA_256.get();
        sha.reset();
        return java.util.HexFormat.of().formatHex(sha.digest(text));
    }

    private static void write(Object v, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the content nests deeper than " + MAX_DEPTH + " levels");
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof String s) {
            string(s, out);
        } else if ((v instanceof Double d && !Double.isFinite(d)) || (v instanceof Float f && !Float.isFinite(f))) {
            string(v.toString(), out);
        } else if (v instanceof Number n) {
            BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
            out.append(d.signum() == 0 ? "0" : d.stripTrailingZeros().toString());
        } else if (v instanceof Map<?, ?> m) {
            List<Map.Entry<String, Object>> entries = new ArrayList<>(m.size());
            m.forEach((k, x) -> entries.add(Map.entry(String.valueOf(k), x == null ? NULL : x)));
            entries.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(entries.get(i).getKey(), out);
                out.append(':');
                Object x = entries.get(i).getValue();
                write(x == NULL ? null : x, out, depth + 1);
            }
            out.append('}');
        } else if (v instanceof Iterable<?> it) {
            out.append('[');
            boolean first = true;
            for (Object x : it) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(x, out, depth + 1);
            }
            out.append(']');
        } else {
            string(v.toString(), out);
        }
    }

    /** Stands for a null map value inside {@code Map.entry} (which takes no null). */
    private static final Object NULL = new Object();

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
