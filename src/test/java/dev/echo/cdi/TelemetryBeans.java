package dev.echo.cdi;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** What mpTelemetry gives an application with telemetry on: an OpenTelemetry bean (here exporting to memory). */
@ApplicationScoped
public class TelemetryBeans {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();

    /** A method, not a field: tests reach this bean through its client proxy. */
    InMemorySpanExporter exporter() {
        return exporter;
    }

    @Produces
    OpenTelemetry openTelemetry() {
        return sdk;
    }
}
