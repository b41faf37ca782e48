package dev.echo.cdi.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;
import java.util.function.Function;

/** Reads settings through MicroProfile Config; loaded only when its API is present. */
final class MicroProfileConfigLookup {

    private MicroProfileConfigLookup() {
    }

    static Function<String, Optional<String>> forLoader(ClassLoader loader) {
        Config config = ConfigProvider.getConfig(loader);
        return key -> config.getOptionalValue(key, String.class);
    }

    /** The name of the config source that gives {@code key}'s value, if any. */
    static Optional<String> sourceOf(ClassLoader loader, String key) {
        var value = ConfigProvider.getConfig(loader).getConfigValue(key);
        return value == null || value.getValue() == null ? Optional.empty() : Optional.ofNullable(value.getSourceName());
    }
}
