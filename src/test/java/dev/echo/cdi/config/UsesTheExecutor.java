package dev.echo.cdi.config;

/** An offender for ArchitectureTest: configuration must not use the executor above it. */
public class UsesTheExecutor {
    Object view = dev.echo.cdi.executor.EchoManagedExecutor.PRIORITY_PROPERTY.length() > 0
            ? dev.echo.cdi.executor.EchoManagedExecutor.class : null;
}
