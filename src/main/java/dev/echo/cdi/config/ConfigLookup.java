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
}
