package dev.echo.it;

import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test endpoint (TelemetryIT): runs a HIGH task inside the request's span and shows the exported spans. */
@Path("traced")
@Produces(MediaType.APPLICATION_JSON)
public class TracedResource {

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService high;

    @GET
    public Map<String, String> traced() throws Exception {
        SpanContext request = Span.current().getSpanContext();
        SpanContext task = high.submit(() -> Span.current().getSpanContext()).get(30, TimeUnit.SECONDS);
        return Map.of("requestTraceId", request.getTraceId(), "requestSpanId", request.getSpanId(),
                "taskTraceId", task.getTraceId(), "taskSpanId", task.getSpanId());
    }

    @GET
    @Path("spans")
    public List<Map<String, String>> spans() {
        return MemorySpanExporter.INSTANCE.spans.stream().map(TracedResource::json).toList();
    }

    private static Map<String, String> json(SpanData s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", s.getName());
        m.put("traceId", s.getTraceId());
        m.put("spanId", s.getSpanId());
        m.put("parentSpanId", s.getParentSpanId());
        m.put("status", s.getStatus().getStatusCode().name());
        m.put("startNanos", Long.toString(s.getStartEpochNanos()));
        s.getAttributes().forEach((k, v) -> m.put("attr." + k.getKey(), String.valueOf(v)));
        s.getEvents().forEach(e -> m.put("event." + e.getName(), Long.toString(e.getEpochNanos())));
        return m;
    }
}
