package dev.echo.cdi.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Echo's MicroProfile Health checks, both named {@value #NAME}: readiness and liveness as
 * {@link ExecutorHealth} decides them. The
 * {@link HealthSource} is the application's Echo runtime (which implements it), so this glue
 * needs nothing of the executor but its health. Added by the extension only when the MicroProfile Health
 * API is present, so Echo deploys without {@code mpHealth}.
 */
@ApplicationScoped
public class EchoHealthChecks {

    static final String NAME = "echo-executor";

    @Inject
    HealthSource runtime;

    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> response(runtime.health(), true);
    }

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> response(runtime.health(), false);
    }

    private static HealthCheckResponse response(ExecutorHealth health, boolean readiness) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME).status(readiness ? health.ready() : health.live());
        for (Map.Entry<String, Object> e : health.data().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Number n) {
                b.withData(e.getKey(), n.longValue());
            } else {
                b.withData(e.getKey(), String.valueOf(v));
            }
        }
        return b.build();
    }
}
