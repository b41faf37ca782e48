package dev.echo.cdi.observe;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Gives Echo the application's MetricRegistry through an injection point: a plain programmatic
 * look-up has none, and Liberty's registry producer then returns null. Added by the extension
 * only when the MicroProfile Metrics API is present; {@link Instance} keeps it optional when the
 * API is there but the metrics feature is not.
 */
@Dependent
public class MetricRegistryHolder {

    @Inject
    Instance<MetricRegistry> registry;

    MetricRegistry registry() {
        return registry.isResolvable() ? registry.get() : null;
    }

    /** The application's registry, or null when the container gives none (call on an application thread). */
    public static MetricRegistry current() {
        var holder = jakarta.enterprise.inject.spi.CDI.current().select(MetricRegistryHolder.class);
        return holder.isResolvable() ? holder.get().registry() : null;
    }
}
