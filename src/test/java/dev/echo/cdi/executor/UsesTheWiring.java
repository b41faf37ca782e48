package dev.echo.cdi.executor;

/** An offender for ArchitectureTest: the executor must not use the extension that wires it. */
public class UsesTheWiring {
    Object extension = new dev.echo.cdi.EchoExtension();
}
