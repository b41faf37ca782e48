package dev.echo.cdi.config;

import dev.echo.scheduler.SchedulerBuilder;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Echo's settings in a container, read from MicroProfile Config when present (system properties
 * otherwise). A bad value fails deployment with an {@link IllegalArgumentException} naming the
 * key and the value.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>format</th></tr>
 *   <tr><td>{@code echo.workers}</td><td>available processors</td><td>integer &ge; 1</td></tr>
 *   <tr><td>{@code echo.queue.capacity}</td><td>unbounded</td><td>integer &ge; 1, or {@code unbounded}</td></tr>
 *   <tr><td>{@code echo.aging.threshold}</td><td>500 ms</td><td>duration</td></tr>
 *   <tr><td>{@code echo.stop.timeout}</td><td>30 s</td><td>duration</td></tr>
 *   <tr><td>{@code echo.name}</td><td>{@code echo}</td><td>text (thread-name prefix)</td></tr>
 * </table>
 * A duration is ISO-8601 ({@code PT0.5S}) or a number with a unit: {@code 500ms}, {@code 2s},
 * {@code 1m}; a bare number is milliseconds.
 */
public record EchoConfig(int workers, int queueCapacity, Duration agingThreshold, Duration stopTimeout, String name,
                         int longRunningMax, int maxWorkers, Duration stallThreshold) {

    public static final String WORKERS = "echo.workers";
    public static final String QUEUE_CAPACITY = "echo.queue.capacity";
    public static final String AGING_THRESHOLD = "echo.aging.threshold";
    public static final String STOP_TIMEOUT = "echo.stop.timeout";
    public static final String NAME = "echo.name";
    /**
     * Whether the application opens the actions REST resource ({@code true}/{@code false}).
     * Off by default: adding the jar to a WAR opens no endpoint the application did not ask for.
     */
    public static final String ACTIONS_REST_ENABLED = "echo.actions.rest.enabled";
    /** Most workers at once, spares (compensation for blocked workers) included. */
    public static final String MAX_WORKERS_KEY = "echo.max-workers";
    /** How long nothing may start, every worker busy and work queued, before a spare is added. */
    public static final String STALL_THRESHOLD = "echo.stall.threshold";
    /** How many LONGRUNNING_HINT tasks may run at once (each has a thread of its own). */
    public static final String LONG_RUNNING_MAX = "echo.long-running.max";

    public static final int DEFAULT_LONG_RUNNING_MAX = 100;

    /** How many action runs are kept for GET/DELETE (the oldest are forgotten first). */
    public static final String ACTIONS_KEPT_RUNS = "echo.actions.kept-runs";
    /** Longest delay an action submitted over REST may ask for (each action of its chain). */
    public static final String ACTIONS_MAX_DELAY = "echo.actions.max-delay";
    public static final int DEFAULT_ACTIONS_KEPT_RUNS = 10_000;
    /** Most kept runs one may configure: each holds its result in memory. */
    public static final int MAX_ACTIONS_KEPT_RUNS = 1_000_000;
    public static final Duration DEFAULT_ACTIONS_MAX_DELAY = Duration.ofDays(1);
    /** Most actions one {@code next} list of a REST submission may hold (the fan-out of one step). */
    public static final String ACTIONS_MAX_NEXT = "echo.actions.max-next";
    public static final int DEFAULT_ACTIONS_MAX_NEXT = 32;
    /** The largest max-next one may configure: a whole submission holds at most 256 actions. */
    public static final int MAX_ACTIONS_MAX_NEXT = 255;
    /** Most runs live (accepted and not ended) at once; a submission beyond is refused (429). */
    public static final String ACTIONS_MAX_LIVE = "echo.actions.max-live";
    public static final int DEFAULT_ACTIONS_MAX_LIVE = 10_000;
    /** Most live runs of one submitter (the application's own submissions excepted). */
    public static final String ACTIONS_MAX_LIVE_PER_CALLER = "echo.actions.max-live-per-caller";
    public static final int DEFAULT_ACTIONS_MAX_LIVE_PER_CALLER = 1_000;
    public static final int MAX_ACTIONS_MAX_LIVE = 1_000_000;
    /** Most attempts one action of a REST submission may ask for ({@code retry.maxAttempts}). */
    public static final String ACTIONS_MAX_ATTEMPTS = "echo.actions.max-attempts";
    public static final int DEFAULT_ACTIONS_MAX_ATTEMPTS = 10;
    public static final int MAX_ACTIONS_MAX_ATTEMPTS = 1000;
    /** Most function and hook invocations one REST submission may make at worst (every attempt of its chain). */
    public static final String ACTIONS_MAX_WORK = "echo.actions.max-work";
    public static final int DEFAULT_ACTIONS_MAX_WORK = 1000;
    public static final int MAX_ACTIONS_MAX_WORK = 1_000_000;
    /** How much memory kept runs may take, estimated (the oldest are forgotten first). */
    public static final String ACTIONS_KEPT_BYTES = "echo.actions.kept-bytes";
    public static final long DEFAULT_ACTIONS_KEPT_BYTES = 64L * 1024 * 1024;
    /** Most bytes one may configure for kept runs (1 TiB): more is a typo. */
    public static final long MAX_ACTIONS_KEPT_BYTES = 1L << 40;

    /** How much memory cached results of {@code cache-for} functions may take, estimated (the oldest go first); 0 keeps none. */
    public static final String ACTIONS_CACHE_BYTES = "echo.actions.cache-bytes";
    public static final long DEFAULT_ACTIONS_CACHE_BYTES = 16L * 1024 * 1024;

    /** {@code memory} (default) or {@code jms}: where accepted actions wait (see {@link ActionQueueSettings}). */
    public static final String ACTIONS_QUEUE = "echo.actions.queue";
    public static final String ACTIONS_JMS_CONNECTION_FACTORY = "echo.actions.jms.connection-factory";
    public static final String ACTIONS_JMS_QUEUE = "echo.actions.jms.queue";
    public static final String ACTIONS_JMS_TOPIC = "echo.actions.jms.topic";
    /** Most action messages one server holds unsettled (each one a run in progress). */
    public static final String ACTIONS_JMS_WINDOW = "echo.actions.jms.window";
    /** Most accepted actions one message carries (1-256); 1: none is bundled. */
    public static final String ACTIONS_JMS_BUNDLE = "echo.actions.jms.bundle";
    /** Must equal the engine queue's maxRedeliveryCount (liberty-config: echo.jms.max-deliveries). */
    public static final String ACTIONS_JMS_MAX_DELIVERIES = "echo.actions.jms.max-deliveries";
    /**
     * The engine queue's maxRedeliveryCount as the server hosting the engine states it
     * (liberty-config/server.xml sets this variable from the queue's own): where it is set and
     * differs from {@link #ACTIONS_JMS_MAX_DELIVERIES}, Echo warns at start, and tells the other
     * servers, which warn too. Unset elsewhere.
     */
    public static final String ACTIONS_JMS_ENGINE_MAX_DELIVERIES = "echo.actions.jms.engine-max-deliveries";
    /** This server's name in run states and metrics; default Liberty's server name (wlp.server.name). */
    public static final String ACTIONS_SERVER_NAME = "echo.actions.server-name";
    /**
     * The application name its messages carry and its consumers select on; default the
     * container's ({@code java:app/AppName}). Servers that run one application under different
     * names set it to one value.
     */
    public static final String ACTIONS_JMS_APPLICATION = "echo.actions.jms.application";
    public static final String DEFAULT_JMS_CONNECTION_FACTORY = "jms/echo/cf";
    public static final String DEFAULT_JMS_QUEUE = "jms/echo/actions";
    public static final String DEFAULT_JMS_TOPIC = "jms/echo/runs";
    public static final int DEFAULT_JMS_WINDOW = 8;
    public static final int MAX_JMS_WINDOW = 1024;
    /** One message per action unless the application asks for bundles (docs/actions-messaging.md, "Bundles"). */
    public static final int DEFAULT_JMS_BUNDLE = 1;
    public static final int MAX_JMS_BUNDLE = 256;
    public static final int DEFAULT_JMS_MAX_DELIVERIES = 5;
    public static final int MAX_JMS_MAX_DELIVERIES = 1000;

    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Longest accepted duration: beyond it a value is a typo, and nanoseconds would overflow. */
    public static final Duration MAX_DURATION = Duration.ofDays(365);
    /** Most worker threads a pool may have (ForkJoinPool's limit too): more is a typo, not a machine. */
    public static final int MAX_WORKERS = 32_767;

    /** Reads every key through {@code lookup} (key → value if set). */
    public static EchoConfig read(Function<String, Optional<String>> lookup) {
        int workers = lookup.apply(WORKERS).map(v -> boundedInt(WORKERS, v, MAX_WORKERS))
                .orElse(Runtime.getRuntime().availableProcessors());
        int capacity = lookup.apply(QUEUE_CAPACITY).map(v -> "unbounded".equalsIgnoreCase(v.strip())
                ? Integer.MAX_VALUE : positiveInt(QUEUE_CAPACITY, v)).orElse(Integer.MAX_VALUE);
        Duration aging = lookup.apply(AGING_THRESHOLD).map(v -> positiveDuration(AGING_THRESHOLD, v))
                .orElse(SchedulerBuilder.DEFAULT_AGING_THRESHOLD);
        Duration stop = lookup.apply(STOP_TIMEOUT).map(v -> nonNegativeDuration(STOP_TIMEOUT, v))
                .orElse(DEFAULT_STOP_TIMEOUT);
        String name = lookup.apply(NAME).map(v -> {
            if (v.isBlank()) {
                throw bad(NAME, v, "a non-blank name");
            }
            return v.strip();
        }).orElse(SchedulerBuilder.DEFAULT_NAME);
        int longRunning = lookup.apply(LONG_RUNNING_MAX).map(v -> boundedInt(LONG_RUNNING_MAX, v, MAX_WORKERS))
                .orElse(DEFAULT_LONG_RUNNING_MAX);
        int maxWorkers = lookup.apply(MAX_WORKERS_KEY).map(v -> boundedInt(MAX_WORKERS_KEY, v, MAX_WORKERS))
                .orElse(SchedulerBuilder.defaultMaxWorkers(workers));
        if (maxWorkers < workers) {
            throw bad(MAX_WORKERS_KEY, String.valueOf(maxWorkers), "at least " + WORKERS + " (" + workers + ")");
        }
        Duration stall = lookup.apply(STALL_THRESHOLD).map(v -> positiveDuration(STALL_THRESHOLD, v))
                .orElse(SchedulerBuilder.DEFAULT_STALL_THRESHOLD);
        // checked with the rest, so a bad value fails the deployment naming the key
        actionsRestEnabled(lookup);
        actionsKeptRuns(lookup);
        actionsKeptBytes(lookup);
        actionsCacheBytes(lookup);
        actionsMaxNext(lookup);
        actionsMaxDelay(lookup);
        actionsMaxAttempts(lookup);
        actionsMaxWork(lookup);
        actionsMaxLive(lookup);
        actionsMaxLivePerCaller(lookup);
        actionQueue(lookup);
        return new EchoConfig(workers, capacity, aging, stop, name, longRunning, maxWorkers, stall);
    }

    /**
     * {@value #ACTIONS_REST_ENABLED}: {@code true} or {@code false} (any case, surrounding blanks
     * ignored); anything else is rejected naming the key. Read on its own, before the beans are
     * discovered, because it decides whether the REST resource is a bean at all.
     */
    public static boolean actionsRestEnabled(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_REST_ENABLED).map(v -> {
            String b = v.strip().toLowerCase(Locale.ROOT);
            if (!b.equals("true") && !b.equals("false")) {
                throw bad(ACTIONS_REST_ENABLED, v, "true or false");
            }
            return b.equals("true");
        }).orElse(false);
    }

    /**
     * The action queue's settings: {@value #ACTIONS_QUEUE} is {@code memory} or {@code jms} (any
     * case); JNDI names must be non-blank; the window 1 to {@value #MAX_JMS_WINDOW}; max deliveries 1
     * to {@value #MAX_JMS_MAX_DELIVERIES}. Anything else is rejected naming the key.
     */
    public static ActionQueueSettings actionQueue(Function<String, Optional<String>> lookup) {
        boolean jms = lookup.apply(ACTIONS_QUEUE).map(v -> {
            String q = v.strip().toLowerCase(Locale.ROOT);
            if (!q.equals("memory") && !q.equals("jms")) {
                throw bad(ACTIONS_QUEUE, v, "memory or jms");
            }
            return q.equals("jms");
        }).orElse(false);
        String server = lookup.apply(ACTIONS_SERVER_NAME).map(v -> nonBlank(ACTIONS_SERVER_NAME, v))
                .orElseGet(() -> System.getProperty("wlp.server.name", "echo-" + ProcessHandle.current().pid()));
        return new ActionQueueSettings(jms,
                lookup.apply(ACTIONS_JMS_CONNECTION_FACTORY).map(v -> nonBlank(ACTIONS_JMS_CONNECTION_FACTORY, v))
                        .orElse(DEFAULT_JMS_CONNECTION_FACTORY),
                lookup.apply(ACTIONS_JMS_QUEUE).map(v -> nonBlank(ACTIONS_JMS_QUEUE, v)).orElse(DEFAULT_JMS_QUEUE),
                lookup.apply(ACTIONS_JMS_TOPIC).map(v -> nonBlank(ACTIONS_JMS_TOPIC, v)).orElse(DEFAULT_JMS_TOPIC),
                lookup.apply(ACTIONS_JMS_WINDOW).map(v -> boundedInt(ACTIONS_JMS_WINDOW, v, MAX_JMS_WINDOW))
                        .orElse(DEFAULT_JMS_WINDOW),
                lookup.apply(ACTIONS_JMS_MAX_DELIVERIES).map(v -> boundedInt(ACTIONS_JMS_MAX_DELIVERIES, v, MAX_JMS_MAX_DELIVERIES))
                        .orElse(DEFAULT_JMS_MAX_DELIVERIES),
                server,
                lookup.apply(ACTIONS_JMS_APPLICATION).map(v -> applicationName(ACTIONS_JMS_APPLICATION, v)).orElse(null),
                SigningKeys.read(lookup, jms), MessagingLogin.read(lookup, jms),
                lookup.apply(ACTIONS_JMS_ENGINE_MAX_DELIVERIES)
                        .map(v -> boundedInt(ACTIONS_JMS_ENGINE_MAX_DELIVERIES, v, MAX_JMS_MAX_DELIVERIES)).orElse(0),
                lookup.apply(ACTIONS_JMS_BUNDLE).map(v -> boundedInt(ACTIONS_JMS_BUNDLE, v, MAX_JMS_BUNDLE))
                        .orElse(DEFAULT_JMS_BUNDLE));
    }

    /** An application name: 1-128 letters, digits, '.', '_' or '-' (it goes into a message selector). */
    private static String applicationName(String key, String value) {
        String v = value.strip();
        if (!v.matches("[A-Za-z0-9._-]{1,128}")) {
            throw bad(key, value, "1 to 128 letters, digits, '.', '_' or '-'");
        }
        return v;
    }

    private static String nonBlank(String key, String value) {
        if (value.isBlank()) {
            throw bad(key, value, "a non-blank name");
        }
        return value.strip();
    }

    /** {@value #ACTIONS_KEPT_RUNS}: 1 to {@value #MAX_ACTIONS_KEPT_RUNS}, default {@value #DEFAULT_ACTIONS_KEPT_RUNS}. */
    public static int actionsKeptRuns(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_KEPT_RUNS).map(v -> boundedInt(ACTIONS_KEPT_RUNS, v, MAX_ACTIONS_KEPT_RUNS))
                .orElse(DEFAULT_ACTIONS_KEPT_RUNS);
    }

    /**
     * {@value #ACTIONS_KEPT_BYTES}: whole bytes from 1 to {@value #MAX_ACTIONS_KEPT_BYTES}, default
     * {@value #DEFAULT_ACTIONS_KEPT_BYTES} (64 MiB).
     */
    public static long actionsKeptBytes(Function<String, Optional<String>> lookup) {
        return wholeBytes(lookup, ACTIONS_KEPT_BYTES, 1, DEFAULT_ACTIONS_KEPT_BYTES);
    }

    /**
     * {@value #ACTIONS_CACHE_BYTES}: whole bytes from 0 to {@value #MAX_ACTIONS_KEPT_BYTES}, default
     * {@value #DEFAULT_ACTIONS_CACHE_BYTES} (16 MiB).
     */
    public static long actionsCacheBytes(Function<String, Optional<String>> lookup) {
        return wholeBytes(lookup, ACTIONS_CACHE_BYTES, 0, DEFAULT_ACTIONS_CACHE_BYTES);
    }

    /** A byte count under {@code key}: whole bytes from {@code min} to {@value #MAX_ACTIONS_KEPT_BYTES}, else the default. */
    private static long wholeBytes(Function<String, Optional<String>> lookup, String key, long min, long defaultValue) {
        return lookup.apply(key).map(v -> {
            try {
                long n = Long.parseLong(v.strip());
                if (n >= min && n <= MAX_ACTIONS_KEPT_BYTES) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, v, "whole bytes from " + min + " to " + MAX_ACTIONS_KEPT_BYTES);
        }).orElse(defaultValue);
    }

    /** {@value #ACTIONS_MAX_NEXT}: 1 to {@value #MAX_ACTIONS_MAX_NEXT}, default {@value #DEFAULT_ACTIONS_MAX_NEXT}. */
    public static int actionsMaxNext(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_MAX_NEXT).map(v -> boundedInt(ACTIONS_MAX_NEXT, v, MAX_ACTIONS_MAX_NEXT))
                .orElse(DEFAULT_ACTIONS_MAX_NEXT);
    }

    /** {@value #ACTIONS_MAX_LIVE}: 1 to {@value #MAX_ACTIONS_MAX_LIVE}, default {@value #DEFAULT_ACTIONS_MAX_LIVE}. */
    public static int actionsMaxLive(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_MAX_LIVE).map(v -> boundedInt(ACTIONS_MAX_LIVE, v, MAX_ACTIONS_MAX_LIVE))
                .orElse(DEFAULT_ACTIONS_MAX_LIVE);
    }

    /** {@value #ACTIONS_MAX_LIVE_PER_CALLER}: 1 to {@value #MAX_ACTIONS_MAX_LIVE}, default {@value #DEFAULT_ACTIONS_MAX_LIVE_PER_CALLER}. */
    public static int actionsMaxLivePerCaller(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_MAX_LIVE_PER_CALLER).map(v -> boundedInt(ACTIONS_MAX_LIVE_PER_CALLER, v, MAX_ACTIONS_MAX_LIVE))
                .orElse(DEFAULT_ACTIONS_MAX_LIVE_PER_CALLER);
    }

    /** {@value #ACTIONS_MAX_ATTEMPTS}: 1 to {@value #MAX_ACTIONS_MAX_ATTEMPTS}, default {@value #DEFAULT_ACTIONS_MAX_ATTEMPTS}. */
    public static int actionsMaxAttempts(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_MAX_ATTEMPTS).map(v -> boundedInt(ACTIONS_MAX_ATTEMPTS, v, MAX_ACTIONS_MAX_ATTEMPTS))
                .orElse(DEFAULT_ACTIONS_MAX_ATTEMPTS);
    }

    /** {@value #ACTIONS_MAX_WORK}: 1 to {@value #MAX_ACTIONS_MAX_WORK}, default {@value #DEFAULT_ACTIONS_MAX_WORK}. */
    public static int actionsMaxWork(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_MAX_WORK).map(v -> boundedInt(ACTIONS_MAX_WORK, v, MAX_ACTIONS_MAX_WORK))
                .orElse(DEFAULT_ACTIONS_MAX_WORK);
    }

    /** {@value #ACTIONS_MAX_DELAY}: a non-negative duration up to 365 days, default one day. */
    public static Duration actionsMaxDelay(Function<String, Optional<String>> lookup) {
        return lookup.apply(ACTIONS_MAX_DELAY).map(v -> nonNegativeDuration(ACTIONS_MAX_DELAY, v))
                .orElse(DEFAULT_ACTIONS_MAX_DELAY);
    }

    /** A builder with these settings (the thread factory is the caller's business). */
    public SchedulerBuilder toBuilder() {
        SchedulerBuilder b = SchedulerBuilder.create().workerCount(workers).agingThreshold(agingThreshold).name(name)
                .maxWorkers(maxWorkers).stallThreshold(stallThreshold);
        if (queueCapacity != Integer.MAX_VALUE) {
            b.queueCapacity(queueCapacity);
        }
        return b;
    }

    private static int boundedInt(String key, String value, int max) {
        int n = positiveInt(key, value);
        if (n > max) {
            throw bad(key, value, "an integer from 1 to " + max);
        }
        return n;
    }

    private static int positiveInt(String key, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, value, "an integer >= 1" + (key.equals(QUEUE_CAPACITY) ? " or 'unbounded'" : ""));
    }

    private static Duration positiveDuration(String key, String value) {
        Duration d = duration(key, value);
        if (d.isZero() || d.isNegative()) {
            throw bad(key, value, "a positive duration");
        }
        return d;
    }

    private static Duration nonNegativeDuration(String key, String value) {
        Duration d = duration(key, value);
        if (d.isNegative()) {
            throw bad(key, value, "a duration >= 0");
        }
        return d;
    }

    /**
     * A duration: {@code 500ms}, {@code 2s}, {@code 1.5m}, whole milliseconds, or ISO-8601
     * ({@code PT0.5S}); finite and at most {@link #MAX_DURATION} (longer values, infinities and
     * NaN are rejected naming the key, never clamped or turned into zero).
     */
    public static Duration duration(String key, String value) {
        Duration d = parseDuration(key, value);
        if (d.abs().compareTo(MAX_DURATION) > 0) {
            throw bad(key, value, "a duration of at most " + MAX_DURATION.toDays() + " days");
        }
        return d;
    }

    private static Duration parseDuration(String key, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("-pt") || v.startsWith("p")) {
                return Duration.parse(value.strip());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(finite(key, value, v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Math.round(finite(key, value, v.substring(0, v.length() - 1)) * 60));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw bad(key, value, "a duration such as 500ms, 2s, 1m or PT0.5S");
        }
    }

    /** A decimal number of at most a year of seconds: no NaN, no infinity, nothing that overflows a long. */
    private static double finite(String key, String value, String number) {
        double d = Double.parseDouble(number.strip());
        if (!Double.isFinite(d) || Math.abs(d) > MAX_DURATION.toSeconds()) {
            throw bad(key, value, "a duration of at most " + MAX_DURATION.toDays() + " days");
        }
        return d;
    }

    private static IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("Echo configuration '" + key + "' must be " + expected + ", was '" + value + "'");
    }
}
