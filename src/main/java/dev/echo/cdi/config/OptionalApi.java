package dev.echo.cdi.config;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How Echo uses APIs that a server may not have (MicroProfile Config, Metrics, Health,
 * OpenTelemetry): the glue class that touches such an API is loaded only after the API is known
 * to be present, and glue that fails to link or start leaves Echo running without it.
 */
public final class OptionalApi {

    public static final String MP_CONFIG = "org.eclipse.microprofile.config.ConfigProvider";
    public static final String MP_METRICS = "org.eclipse.microprofile.metrics.MetricRegistry";
    public static final String MP_HEALTH = "org.eclipse.microprofile.health.HealthCheck";
    public static final String OPENTELEMETRY = "io.opentelemetry.api.OpenTelemetry";
    /** JSON-P: the action system's JSON format needs it. */
    public static final String JSON_P = "jakarta.json.Json";
    /** Jakarta REST: the actions resource needs it. */
    public static final String JAX_RS = "jakarta.ws.rs.core.SecurityContext";

    private static final Logger LOG = Logger.getLogger(OptionalApi.class.getName());

    private OptionalApi() {
    }

    public static boolean isPresent(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@link #load(String, ClassLoader, Supplier, Object, String)} with Echo's own class loader. */
    public static <T> T load(String apiClass, Supplier<T> glue, T without, String unusable) {
        return load(apiClass, OptionalApi.class.getClassLoader(), glue, without, unusable);
    }

    /**
     * {@code glue.get()} if {@code apiClass} is visible to {@code loader}, else {@code without}.
     * Pass the glue as a lambda, not a method reference: linking a method reference loads its
     * class at once, before the presence check; a lambda's body loads it only when it runs.
     *
     * @param unusable what Echo does without it, logged when the API is present but the glue fails
     */
    public static <T> T load(String apiClass, ClassLoader loader, Supplier<T> glue, T without, String unusable) {
        if (!isPresent(apiClass, loader)) {
            return without;
        }
        try {
            return glue.get();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.INFO, "Echo: " + apiClass + " is present but unusable; " + unusable, e);
            return without;
        }
    }
}
