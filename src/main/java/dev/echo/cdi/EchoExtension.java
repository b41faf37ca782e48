package dev.echo.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Echo's CDI portable extension (registered in {@code META-INF/services}): adding the jar to a
 * WAR is all it takes. It adds Echo's beans whether or not the jar is a bean archive, and checks
 * the configuration before the application starts, so a bad value fails the deployment with a
 * message naming the key.
 */
public class EchoExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(EchoExtension.class.getName());

    void addBeans(@Observes BeforeBeanDiscovery discovery, BeanManager beans) {
        discovery.addAnnotatedType(beans.createAnnotatedType(EchoRuntime.class), EchoRuntime.class.getName());
        discovery.addAnnotatedType(beans.createAnnotatedType(EchoProducers.class), EchoProducers.class.getName());
        discovery.addAnnotatedType(beans.createAnnotatedType(EchoAsyncInterceptor.class), EchoAsyncInterceptor.class.getName());
        discovery.addAnnotatedType(beans.createAnnotatedType(EchoActions.class), EchoActions.class.getName());
        discovery.addAnnotatedType(beans.createAnnotatedType(ActionsResource.class), ActionsResource.class.getName());
        if (OptionalApi.isPresent(OptionalApi.MP_METRICS, EchoExtension.class.getClassLoader())) {
            discovery.addAnnotatedType(beans.createAnnotatedType(MetricRegistryHolder.class), MetricRegistryHolder.class.getName());
        }
        if (OptionalApi.isPresent(OptionalApi.MP_HEALTH, EchoExtension.class.getClassLoader())) {
            discovery.addAnnotatedType(beans.createAnnotatedType(EchoHealthChecks.class), EchoHealthChecks.class.getName());
        }
        if (OptionalApi.isPresent(OptionalApi.OPENTELEMETRY, EchoExtension.class.getClassLoader())) {
            discovery.addAnnotatedType(beans.createAnnotatedType(OpenTelemetryHolder.class), OpenTelemetryHolder.class.getName());
        }
    }

    /** A discovered {@link EchoAction} or {@link EchoHook} method and its bean. */
    record Discovered(String name, Bean<?> bean, Method method) {
        String source() {
            return method.getDeclaringClass().getName() + "#" + method.getName();
        }
    }

    private final Map<String, Discovered> actions = new LinkedHashMap<>();
    private final Map<String, Discovered> hooks = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();

    /** Finds @EchoAction and @EchoHook methods on every managed bean. */
    <T> void discoverActions(@Observes ProcessManagedBean<T> event) {
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            EchoAction action = m.getAnnotation(EchoAction.class);
            if (action != null) {
                register(actions, "action", new Discovered(action.value(), event.getBean(), m.getJavaMember()));
            }
            EchoHook hook = m.getAnnotation(EchoHook.class);
            if (hook != null) {
                register(hooks, "hook", new Discovered(hook.value(), event.getBean(), m.getJavaMember()));
            }
        }
    }

    private void register(Map<String, Discovered> into, String kind, Discovered d) {
        Discovered previous = into.putIfAbsent(d.name(), d);
        if (previous != null) {
            duplicates.add(kind + " '" + d.name() + "' is defined twice: by " + previous.source() + " and by " + d.source());
        }
    }

    Map<String, Discovered> actions() {
        return actions;
    }

    Map<String, Discovered> hooks() {
        return hooks;
    }

    void validateConfiguration(@Observes AfterDeploymentValidation validation) {
        for (String d : duplicates) {
            validation.addDeploymentProblem(new IllegalStateException("Echo: " + d));
        }
        try {
            EchoConfig config = EchoConfig.read(ConfigLookup.forApplication(Thread.currentThread().getContextClassLoader()));
            LOG.fine(() -> "Echo configuration: " + config);
        } catch (IllegalArgumentException e) {
            validation.addDeploymentProblem(e);
        }
    }
}
