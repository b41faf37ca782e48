package dev.echo.cdi.observe;

/**
 * What the health checks read: the application's Echo runtime implements it. Declared here, so
 * the MicroProfile Health glue depends on nothing above it (the runtime is found through CDI).
 */
public interface HealthSource {

    /** Readiness and liveness now; must not block (a probe answers while a stop drains). */
    ExecutorHealth health();
}
