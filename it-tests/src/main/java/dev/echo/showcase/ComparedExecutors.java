package dev.echo.showcase;

import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The executors the showcase compares: Echo's injected views (HIGH, NORMAL, LOW) and Liberty's
 * own {@code java:comp/DefaultManagedExecutorService}. One place for the dashboard's lab and the
 * B6 benchmark endpoint.
 */
@ApplicationScoped
public class ComparedExecutors {

    @Inject
    @EchoPriority(Priority.HIGH)
    ManagedExecutorService echoHigh;

    @Inject
    ManagedExecutorService echoNormal;

    @Inject
    @EchoPriority(Priority.LOW)
    ManagedExecutorService echoLow;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService liberty;

    /** Echo's view whose plain submissions run at {@code priority}. */
    public ManagedExecutorService echo(Priority priority) {
        return switch (priority) {
            case HIGH -> echoHigh;
            case NORMAL -> echoNormal;
            case LOW -> echoLow;
        };
    }

    /** Liberty's default executor (FIFO, no priorities). */
    public ManagedExecutorService liberty() {
        return liberty;
    }
}
