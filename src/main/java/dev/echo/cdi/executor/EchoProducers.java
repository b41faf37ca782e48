package dev.echo.cdi.executor;

import dev.echo.cdi.EchoPriority;
import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.inject.Inject;

/**
 * Makes {@code @Inject ManagedExecutorService} and {@code @Inject ManagedScheduledExecutorService}
 * resolve to Echo (NORMAL by default), and {@code @Inject @EchoPriority(HIGH)} to a view whose
 * plain submissions are HIGH. The views are light adapters over the one scheduler of the
 * application, so {@code @Dependent} costs nothing. Each producer is {@link Typed} to its own
 * interface: a scheduled executor is also a {@code ManagedExecutorService}, and without it the
 * two producers of a qualifier would be ambiguous.
 */
@Dependent
public class EchoProducers {

    @Inject
    ApplicationScheduler runtime;

    @Produces
    @Default
    @Dependent
    @Typed(ManagedExecutorService.class)
    ManagedExecutorService executor() {
        return runtime.view(Priority.NORMAL);
    }

    @Produces
    @Default
    @Dependent
    @Typed(ManagedScheduledExecutorService.class)
    ManagedScheduledExecutorService scheduledExecutor() {
        return runtime.view(Priority.NORMAL);
    }

    @Produces
    @EchoPriority
    @Dependent
    @Typed(ManagedExecutorService.class)
    ManagedExecutorService prioritisedExecutor(InjectionPoint injectionPoint) {
        return runtime.view(priorityOf(injectionPoint));
    }

    @Produces
    @EchoPriority
    @Dependent
    @Typed(ManagedScheduledExecutorService.class)
    ManagedScheduledExecutorService prioritisedScheduledExecutor(InjectionPoint injectionPoint) {
        return runtime.view(priorityOf(injectionPoint));
    }

    private static Priority priorityOf(InjectionPoint ip) {
        if (ip != null) {
            for (var q : ip.getQualifiers()) {
                if (q instanceof EchoPriority p) {
                    return p.value();
                }
            }
        }
        return Priority.NORMAL;
    }
}
