package dev.echo.tck.rewrite;

import jakarta.enterprise.concurrent.ManagedExecutorService;

/** Reads the inherited field through its own name: javac names the subclass as the owner. */
public class InjectedSubclass extends Injected {

    public ManagedExecutorService readInherited() {
        return this.byDefault;
    }
}
