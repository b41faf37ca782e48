package dev.echo.cdi.observe;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Gives Echo the application's {@link OpenTelemetry} (a bean under mpTelemetry) through an
 * injection point. Added by the extension only when the OpenTelemetry API is present;
 * {@link Instance} keeps it optional when the API is there but no bean is.
 */
@Dependent
public class OpenTelemetryHolder {

    @Inject
    Instance<OpenTelemetry> openTelemetry;

    OpenTelemetry openTelemetry() {
        return openTelemetry.isResolvable() ? openTelemetry.get() : null;
    }
}
