package dev.echo.cdi.action;

import dev.echo.action.Action;
import dev.echo.action.RetryPolicy;
import dev.echo.task.Priority;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The JSON form of an {@link Action}, strict: unknown fields, wrong types and out-of-range
 * values are rejected with an {@link ActionJsonException} naming the JSON path (so is an
 * {@code id}: {@link #read} gives the action a new random id, and {@link #write} leaves it out —
 * the id travels beside the JSON, e.g. in the {@code Location} of the 202 answer); the input size
 * and nesting depth are bounded before parsing; no class is ever instantiated from a name in the
 * JSON (content becomes plain maps, lists, strings, numbers, booleans and nulls). Durations are
 * whole milliseconds.
 *
 * <pre>{@code
 * {"name": "reserve", "content": {"sku": "A-1", "qty": 2}, "priority": "HIGH",
 *  "metadata": {"delay": 0, "hooks": {"before": ["audit"], "after": []},
 *               "next": [{"name": "confirm"}],
 *               "retry": {"maxAttempts": 3, "initialDelay": 100, "maxDelay": 2000, "multiplier": 2.0, "jitter": 50},
 *               "timeout": 5000, "idempotencyKey": "order-42"}}
 * }</pre>
 */
public final class ActionJson {

    /**
     * The JSON-P provider, looked up once. {@code Json.createX} looks it up again on every call (a
     * service-loader search), which took 12 % of a durable action's CPU samples in Liberty
     * (docs/benchmarks.md, issue 32); a provider's factories are safe for concurrent use.
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The JSON-P provider Echo uses, looked up once (see {@link #JSON}). */
    public static JsonProvider provider() {
        return JSON;
    }

    /** Largest accepted document, in characters. */
    public static final int MAX_CHARS = 1_000_000;
    /** Deepest accepted nesting of objects and arrays. */
    public static final int MAX_DEPTH = 64;
    /**
     * Most actions in one submission: the action and its whole chain. (How many one {@code next}
     * list may hold is the application's {@code echo.actions.max-next}, checked on submission.)
     */
    public static final int MAX_CHAIN = 256;
    /** Longest accepted idempotency key. */
    public static final int MAX_KEY_CHARS = 200;

    // no "id": the server assigns every run an unguessable id (a chosen one could be guessed, or
    // collide with another caller's); no "requiredRole": who may run an action is declared on the
    // server (@RolesAllowed), never by the request
    private static final Set<String> ACTION_FIELDS = Set.of("name", "content", "priority", "metadata");
    private static final Set<String> METADATA_FIELDS = Set.of("delay", "hooks", "next", "retry", "timeout", "idempotencyKey");
    private static final Set<String> HOOK_FIELDS = Set.of("before", "after");
    private static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "initialDelay", "maxDelay", "multiplier", "jitter");

    private ActionJson() {
    }

    /** A JSON input that is not a valid action; {@link #path()} says where. */
    public static final class ActionJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String path;

        ActionJsonException(String path, String problem) {
            super(path + ": " + problem);
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    // ------------------------------------------------------------------ reading

    public static Action read(String json) {
        if (json == null || json.isBlank()) {
            throw new ActionJsonException("$", "the body is empty; an action object is expected");
        }
        if (json.length() > MAX_CHARS) {
            throw new ActionJsonException("$", "the document has " + json.length() + " characters; at most " + MAX_CHARS);
        }
        JsonLimits.check(json, MAX_DEPTH); // depth, duplicate keys, numbers: before any tree is built
        JsonValue value;
        try (var parser = JSON.createParser(new StringReader(json))) {
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new ActionJsonException("$", "malformed JSON: content after the action object");
            }
        } catch (java.util.NoSuchElementException e) {
            throw new ActionJsonException("$", "malformed JSON: no value");
        } catch (JsonParsingException e) {
            throw new ActionJsonException("$", "malformed JSON: " + e.getMessage());
        } catch (jakarta.json.JsonException e) {
            throw new ActionJsonException("$", "malformed JSON: " + e.getMessage());
        }
        Action action = action(value, "$", true);
        if (chainSize(action) > MAX_CHAIN) {
            throw new ActionJsonException("$.metadata.next", "the chain names " + chainSize(action) + " actions; at most " + MAX_CHAIN);
        }
        return action;
    }

    /** The action and every action chained below it. */
    private static int chainSize(Action action) {
        int n = 1;
        for (Action next : action.metadata().next()) {
            n += chainSize(next);
        }
        return n;
    }

    private static Action action(JsonValue value, String path, boolean top) {
        JsonObject o = object(value, path);
        fields(o, ACTION_FIELDS, path);
        String name = token(requiredString(o, "name", path), path + ".name");
        // UUID.randomUUID draws 122 bits from SecureRandom: nobody can guess another caller's run.
        // A chained action's own id is given when it starts (parent id ':' name, see Sequence).
        String id = top ? UUID.randomUUID().toString() : name;
        Object content = o.containsKey("content") ? toJava(o.get("content")) : null;
        Priority priority = Priority.NORMAL;
        String p = optionalString(o, "priority", path);
        if (p != null) {
            try {
                priority = Priority.parse(p);
            } catch (IllegalArgumentException e) {
                throw new ActionJsonException(path + ".priority", "must be one of HIGH, NORMAL, LOW, was '" + p + "'");
            }
        }
        Action.Metadata metadata = o.containsKey("metadata") ? metadata(o.get("metadata"), path + ".metadata")
                : Action.Metadata.NONE;
        return new Action(id, name, content, priority, metadata);
    }

    private static Action.Metadata metadata(JsonValue value, String path) {
        JsonObject o = object(value, path);
        fields(o, METADATA_FIELDS, path);
        Duration delay = millis(o, "delay", path);
        List<String> before = List.of();
        List<String> after = List.of();
        if (o.containsKey("hooks")) {
            JsonObject hooks = object(o.get("hooks"), path + ".hooks");
            fields(hooks, HOOK_FIELDS, path + ".hooks");
            before = tokens(strings(hooks, "before", path + ".hooks"), path + ".hooks.before");
            after = tokens(strings(hooks, "after", path + ".hooks"), path + ".hooks.after");
        }
        List<Action> next = new ArrayList<>();
        if (o.containsKey("next")) {
            JsonArray arr = array(o.get("next"), path + ".next");
            if (arr.size() >= MAX_CHAIN) { // before parsing them: they could never fit in one chain
                throw new ActionJsonException(path + ".next", arr.size() + " chained actions; a whole chain has at most "
                        + MAX_CHAIN + " actions");
            }
            for (int i = 0; i < arr.size(); i++) {
                next.add(action(arr.get(i), path + ".next[" + i + "]", false));
            }
        }
        RetryPolicy retry = o.containsKey("retry") ? retry(o.get("retry"), path + ".retry") : RetryPolicy.NONE;
        Duration timeout = millis(o, "timeout", path);
        String key = key(optionalString(o, "idempotencyKey", path), path + ".idempotencyKey");
        try {
            return new Action.Metadata(delay, before, after, next, retry, timeout, null, key);
        } catch (IllegalArgumentException e) {
            throw new ActionJsonException(path, e.getMessage());
        }
    }

    private static RetryPolicy retry(JsonValue value, String path) {
        JsonObject o = object(value, path);
        fields(o, RETRY_FIELDS, path);
        int attempts = o.containsKey("maxAttempts") ? (int) integer(o.get("maxAttempts"), path + ".maxAttempts", 1, 1000) : 1;
        Duration initial = millis(o, "initialDelay", path);
        Duration max = o.containsKey("maxDelay") ? millis(o, "maxDelay", path) : initial;
        double multiplier = 1.0;
        if (o.containsKey("multiplier")) {
            if (!(o.get("multiplier") instanceof JsonNumber n)) {
                throw new ActionJsonException(path + ".multiplier", "must be a number");
            }
            multiplier = n.doubleValue();
        }
        Duration jitter = millis(o, "jitter", path);
        try {
            return new RetryPolicy(attempts, initial, max, multiplier, jitter);
        } catch (IllegalArgumentException e) {
            throw new ActionJsonException(path, e.getMessage());
        }
    }

    /**
     * Ids, action and hook names: one URL path segment and one safe log token. {@code :} is not
     * allowed because chained runs are named {@code parent:name}.
     */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~-]{0,127}");

    /** Whether {@code value} is a token Echo accepts as an id or a name (see {@code TOKEN}). */
    public static boolean isToken(String value) {
        return value != null && TOKEN.matcher(value).matches();
    }

    private static String token(String value, String path) {
        if (!TOKEN.matcher(value).matches()) {
            throw new ActionJsonException(path, "must be 1 to 128 letters, digits, '.', '_', '~' or '-', starting with a"
                    + " letter or digit, was '" + JsonLimits.printable(value) + "'");
        }
        return value;
    }

    private static List<String> tokens(List<String> values, String path) {
        for (int i = 0; i < values.size(); i++) {
            token(values.get(i), path + "[" + i + "]");
        }
        return values;
    }

    /** An idempotency key: 1 to {@value #MAX_KEY_CHARS} printable characters (it is only compared, never shown). */
    private static String key(String value, String path) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > MAX_KEY_CHARS || value.chars().anyMatch(Character::isISOControl)) {
            throw new ActionJsonException(path, "must be 1 to " + MAX_KEY_CHARS + " characters without control characters");
        }
        return value;
    }

    private static JsonObject object(JsonValue v, String path) {
        if (!(v instanceof JsonObject o)) {
            throw new ActionJsonException(path, "must be an object, was " + kind(v));
        }
        return o;
    }

    private static JsonArray array(JsonValue v, String path) {
        if (!(v instanceof JsonArray a)) {
            throw new ActionJsonException(path, "must be an array, was " + kind(v));
        }
        return a;
    }

    private static void fields(JsonObject o, Set<String> allowed, String path) {
        for (String key : o.keySet()) {
            if (!allowed.contains(key)) {
                throw new ActionJsonException(path + "." + key, "unknown field; allowed: " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String requiredString(JsonObject o, String key, String path) {
        String s = optionalString(o, key, path);
        if (s == null || s.isBlank()) {
            throw new ActionJsonException(path + "." + key, "is required and must be a non-blank string");
        }
        return s;
    }

    private static String optionalString(JsonObject o, String key, String path) {
        if (!o.containsKey(key) || o.get(key) == JsonValue.NULL) {
            return null;
        }
        if (!(o.get(key) instanceof JsonString s)) {
            throw new ActionJsonException(path + "." + key, "must be a string, was " + kind(o.get(key)));
        }
        return s.getString();
    }

    private static List<String> strings(JsonObject o, String key, String path) {
        if (!o.containsKey(key)) {
            return List.of();
        }
        JsonArray arr = array(o.get(key), path + "." + key);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            if (!(arr.get(i) instanceof JsonString s)) {
                throw new ActionJsonException(path + "." + key + "[" + i + "]", "must be a string, was " + kind(arr.get(i)));
            }
            out.add(s.getString());
        }
        return out;
    }

    private static Duration millis(JsonObject o, String key, String path) {
        if (!o.containsKey(key)) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(integer(o.get(key), path + "." + key, 0, Duration.ofDays(365).toMillis()));
    }

    private static long integer(JsonValue v, String path, long min, long max) {
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new ActionJsonException(path, "must be a whole number, was " + kind(v));
        }
        BigDecimal d = n.bigDecimalValue();
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ActionJsonException(path, "must be between " + min + " and " + max + ", was " + d);
        }
        return d.longValueExact();
    }

    private static String kind(JsonValue v) {
        return v == null ? "missing" : v.getValueType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** JSON to plain Java values; nothing is instantiated from names in the document. */
    static Object toJava(JsonValue v) {
        switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> m.put(k, toJava(x)));
                return m;
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                v.asJsonArray().forEach(x -> l.add(toJava(x)));
                return l;
            }
            case STRING -> {
                return ((JsonString) v).getString();
            }
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                if (n.isIntegral()) {
                    try {
                        return n.longValueExact();
                    } catch (ArithmeticException e) {
                        return n.bigDecimalValue();
                    }
                }
                return n.bigDecimalValue();
            }
            case TRUE -> {
                return Boolean.TRUE;
            }
            case FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ writing

    public static String write(Action action) {
        return actionJson(action).toString();
    }

    static JsonObject actionJson(Action a) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("name", a.name())
                .add("content", toJson(a.content())).add("priority", a.priority().name());
        Action.Metadata m = a.metadata();
        JsonObjectBuilder mb = JSON.createObjectBuilder()
                .add("delay", m.delay().toMillis())
                .add("hooks", JSON.createObjectBuilder().add("before", stringArray(m.before())).add("after", stringArray(m.after())));
        JsonArrayBuilder next = JSON.createArrayBuilder();
        m.next().forEach(n -> next.add(actionJson(n)));
        mb.add("next", next);
        RetryPolicy r = m.retry();
        mb.add("retry", JSON.createObjectBuilder().add("maxAttempts", r.maxAttempts()).add("initialDelay", r.initialDelay().toMillis())
                .add("maxDelay", r.maxDelay().toMillis()).add("multiplier", r.multiplier()).add("jitter", r.jitter().toMillis()));
        mb.add("timeout", m.timeout().toMillis());
        if (m.idempotencyKey() != null) {
            mb.add("idempotencyKey", m.idempotencyKey());
        }
        return b.add("metadata", mb).build();
    }

    private static JsonArrayBuilder stringArray(List<String> values) {
        JsonArrayBuilder b = JSON.createArrayBuilder();
        values.forEach(b::add);
        return b;
    }

    /** Plain Java values (as produced by {@link #toJava}, or a function's result) to JSON. */
    public static JsonValue toJson(Object o) {
        if (o == null) {
            return JsonValue.NULL;
        }
        if (o instanceof String s) {
            return JSON.createValue(s);
        }
        if (o instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return JSON.createValue(((Number) o).longValue());
        }
        if (o instanceof BigDecimal d) {
            return JSON.createValue(d);
        }
        if ((o instanceof Double d && !Double.isFinite(d)) || (o instanceof Float f && !Float.isFinite(f))) {
            return JSON.createValue(o.toString()); // JSON has no NaN or Infinity: "NaN", "Infinity", "-Infinity"
        }
        if (o instanceof Number n) {
            return JSON.createValue(new BigDecimal(n.toString()));
        }
        if (o instanceof Map<?, ?> m) {
            JsonObjectBuilder b = JSON.createObjectBuilder();
            m.forEach((k, v) -> b.add(String.valueOf(k), toJson(v)));
            return b.build();
        }
        if (o instanceof Iterable<?> it) {
            JsonArrayBuilder b = JSON.createArrayBuilder();
            it.forEach(x -> b.add(toJson(x)));
            return b.build();
        }
        return JSON.createValue(o.toString());
    }
}
