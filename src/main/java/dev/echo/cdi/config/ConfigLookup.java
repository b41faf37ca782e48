package dev.echo.cdi.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where Echo's settings come from: MicroProfile Config if its API is on the class path (the
 * {@code mpConfig} feature), else system properties. MicroProfile Config is optional: the class
 * that touches its API is only loaded once we know the API is there.
 */
public final class ConfigLookup {

    private ConfigLookup() {
    }

    public static Function<String, Optional<String>> forApplication(ClassLoader loader) {
        return OptionalApi.load(OptionalApi.MP_CONFIG, loader, () -> MicroProfileConfigLookup.forLoader(loader),
                key -> Optional.ofNullable(System.getProperty(key)), "Echo reads system properties");
    }

    /**
     * Fails if a secret setting's value comes from a file packaged in the application
     * ({@code META-INF/microprofile-config.properties}): whoever can read the WAR (every build
     * artifact store, every image layer) would hold the key. Without MicroProfile Config the
     * value came from a system property: nothing to check.
     */
    public static void requireOutsideApplication(ClassLoader loader, String key) {
        Optional<String> source = OptionalApi.load(OptionalApi.MP_CONFIG, loader,
                () -> MicroProfileConfigLookup.sourceOf(loader, key), Optional.<String>empty(), "not checked");
        if (source.isPresent() && source.get().contains("microprofile-config.properties")) {
            throw new IllegalArgumentException("Echo configuration '" + key + "' is a secret and must not be packaged in the"
                    + " application (found in " + source.get() + "): set it as a Liberty variable or an environment variable"
                    + " of each server (docs/actions-messaging.md)");
        }
    }
}
