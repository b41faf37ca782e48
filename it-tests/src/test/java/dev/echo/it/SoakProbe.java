package dev.echo.it;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.lang.ref.WeakReference;

/**
 * The application UndeploySoakIT deploys and undeploys again and again: when it starts it submits
 * a task to Echo, and that task leaves a weak reference to the application's class loader where
 * the observing application can find it (a JVM-wide property: only JDK classes are shared). The
 * observer waits for it, so every cycle really ran a task on this application's Echo. (The
 * startup observer must not wait for the task: Liberty runs tasks submitted while the application
 * starts only once it has started.)
 */
@ApplicationScoped
public class SoakProbe {

    static final String LOADER_KEY_PREFIX = "echo.soak.loader.";

    @Inject
    ManagedExecutorService executor;

    void started(@Observes @Initialized(ApplicationScoped.class) Object event) {
        executor.execute(() -> {
            if (!Thread.currentThread().getName().startsWith("soak-probe-worker-")) {
                throw new IllegalStateException("the probe's task ran on " + Thread.currentThread().getName());
            }
            ClassLoader loader = SoakProbe.class.getClassLoader();
            System.getProperties().put(LOADER_KEY_PREFIX + System.identityHashCode(loader) + "." + System.nanoTime(),
                    new WeakReference<>(loader));
        });
    }
}
