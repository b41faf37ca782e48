package dev.echo.cdi;

import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where Echo's settings come from: MicroProfile Config if its API is on the class path (the
 * {@code mpConfig} feature), else system properties. MicroProfile Config is optional: the class
 * that touches its API is only loaded once we know the API is there.
 */
final class ConfigLookup {

    private static final Logger LOG = Logger.getLogger(ConfigLookup.class.getName());

    private ConfigLookup() {
    }

    static Function<String, Optional<String>> forApplication(ClassLoader loader) {
        if (isPresent("org.eclipse.microprofile.config.ConfigProvider", loader)) {
            try {
                return MicroProfileConfigLookup.forLoader(loader);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.FINE, "MicroProfile Config present but unusable; using system properties", e);
            }
        }
        return key -> Optional.ofNullable(System.getProperty(key));
    }

    static boolean isPresent(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
