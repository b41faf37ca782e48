package dev.echo.it;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** {@code otel.traces.exporter=echo-memory}: found by the SDK through META-INF/services. */
public class MemorySpanExporterProvider implements ConfigurableSpanExporterProvider {

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return MemorySpanExporter.INSTANCE;
    }

    @Override
    public String getName() {
        return "echo-memory";
    }
}
