package dev.echo.cdi.action;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * A streaming pass over a document before it is turned into a tree: nesting depth, duplicate keys
 * and numbers are checked here, each failure naming its JSON path. Streaming, because the tree
 * builders are where the cost is (recursion per level, a {@link BigDecimal} per number, the last
 * of two duplicate keys silently winning); the parser's own scan is linear and keeps nothing.
 */
public final class JsonLimits {

    /** The JSON-P provider, looked up once ({@link ActionJson#provider}). */
    private static final jakarta.json.spi.JsonProvider JSON = ActionJson.provider();

    /** Longest accepted number, in characters (a long has 19 digits, a double about 17). */
    static final int MAX_NUMBER_CHARS = 40;
    /** Largest accepted decimal exponent either way (a double's range). */
    static final int MAX_EXPONENT = 308;

    private JsonLimits() {
    }

    /** Where the parser is: an object (with the keys seen and the current key) or an array (with the index). */
    private static final class Frame {
        final boolean array;
        final Set<String> keys = new HashSet<>();
        String key;
        int index = -1;

        Frame(boolean array) {
            this.array = array;
        }
    }

    /** @throws ActionJson.ActionJsonException naming the path of the first value that breaks a limit */
    static void check(String json, int maxDepth) {
        Deque<Frame> frames = new ArrayDeque<>();
        try (JsonParser parser = JSON.createParser(new StringReader(json))) {
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                switch (event) {
                    case START_OBJECT, START_ARRAY -> {
                        nextValue(frames);
                        if (frames.size() >= maxDepth) {
                            throw new ActionJson.ActionJsonException(path(frames), "nesting deeper than " + maxDepth + " levels");
                        }
                        frames.push(new Frame(event == JsonParser.Event.START_ARRAY));
                    }
                    case END_OBJECT, END_ARRAY -> frames.pop();
                    case KEY_NAME -> {
                        Frame object = frames.peek();
                        object.key = parser.getString();
                        if (!object.keys.add(object.key)) {
                            throw new ActionJson.ActionJsonException(path(frames), "duplicate key");
                        }
                    }
                    case VALUE_NUMBER -> {
                        nextValue(frames);
                        number(parser.getString(), frames);
                    }
                    default -> nextValue(frames);
                }
            }
        } catch (JsonParsingException e) {
            throw new ActionJson.ActionJsonException(path(frames), "malformed JSON at line " + e.getLocation().getLineNumber()
                    + ", column " + e.getLocation().getColumnNumber());
        } catch (jakarta.json.JsonException | java.util.NoSuchElementException e) {
            throw new ActionJson.ActionJsonException(path(frames), "malformed JSON");
        }
    }

    private static void nextValue(Deque<Frame> frames) {
        Frame top = frames.peek();
        if (top != null && top.array) {
            top.index++;
        }
    }

    private static void number(String lexeme, Deque<Frame> frames) {
        if (lexeme.length() > MAX_NUMBER_CHARS) {
            throw new ActionJson.ActionJsonException(path(frames), "a number of " + lexeme.length()
                    + " characters; at most " + MAX_NUMBER_CHARS);
        }
        BigDecimal d = new BigDecimal(lexeme); // short now: cheap whatever its exponent
        long exponent = d.signum() == 0 ? 0 : (long) d.precision() - d.scale() - 1;
        if (Math.abs(exponent) > MAX_EXPONENT) {
            throw new ActionJson.ActionJsonException(path(frames), "a number with exponent " + exponent + "; at most "
                    + MAX_EXPONENT + " either way");
        }
    }

    /** The JSON path of the value the parser is at, e.g. {@code $.metadata.next[2].content}. */
    private static String path(Deque<Frame> frames) {
        StringBuilder b = new StringBuilder("$");
        for (var it = frames.descendingIterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (f.array) {
                b.append('[').append(Math.max(f.index, 0)).append(']');
            } else if (f.key != null) {
                b.append('.').append(printable(f.key));
            }
        }
        return b.toString();
    }

    /**
     * A key as it may appear in a JSON path of an error body: printable ASCII, at most 64
     * characters. (Log lines use {@link dev.echo.action.LogText}.)
     */
    public static String printable(String key) {
        StringBuilder b = new StringBuilder(Math.min(key.length(), 64));
        for (int i = 0; i < key.length() && i < 64; i++) {
            char c = key.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return key.length() > 64 ? b.append("...").toString() : b.toString();
    }
}
