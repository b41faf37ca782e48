package dev.echo.cdi;

import dev.echo.cdi.action.ActionMethods;
import dev.echo.cdi.action.ActionsResource;
import dev.echo.cdi.action.EchoActions;
import dev.echo.cdi.config.ConfigLookup;
import dev.echo.cdi.config.EchoConfig;
import dev.echo.cdi.config.OptionalApi;
import dev.echo.cdi.executor.ApplicationScheduler;
import dev.echo.cdi.executor.EchoAsyncInterceptor;
import dev.echo.cdi.executor.EchoProducers;
import dev.echo.cdi.observe.EchoHealthChecks;
import dev.echo.cdi.observe.MetricRegistryHolder;
import dev.echo.cdi.observe.OpenTelemetryHolder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;

import java.util.logging.Logger;

/**
 * Echo's CDI portable extension (registered in {@code META-INF/services}): adding the jar to a
 * WAR is all it takes. It adds Echo's beans whether or not the jar is a bean archive, collects
 * the application's {@link EchoAction} and {@link EchoHook} methods, and checks the
 * configuration before the application starts, so a bad value fails the deployment with a
 * message naming the key.
 *
 * <p>This is where the packages below meet: the extension is the only class that names the
 * beans of every concern (executor, actions, observability); none of them names it.
 */
public class EchoExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(EchoExtension.class.getName());

    /** Filled while beans are discovered (ProcessManagedBean), then offered as a bean. */
    private final ActionMethods actionMethods = new ActionMethods();

    void addBeans(@Observes BeforeBeanDiscovery discovery, BeanManager beans) {
        add(discovery, beans, ApplicationScheduler.class);
        add(discovery, beans, EchoRuntime.class);
        add(discovery, beans, EchoProducers.class);
        add(discovery, beans, EchoAsyncInterceptor.class);
        ClassLoader echo = EchoExtension.class.getClassLoader();
        // Everything beyond CDI and Concurrency is optional: a class that names a missing API is
        // never loaded (its class literal is only reached when the API is present).
        if (OptionalApi.isPresent(OptionalApi.JSON_P, echo)) {
            add(discovery, beans, EchoActions.class);
            // Always a bean where Jakarta REST exists: the runtime discovers @Path classes in the jar
            // anyway (unmanaged, it would answer 500). It answers 404 to everything unless the
            // application set echo.actions.rest.enabled=true (see ActionsResource).
            if (OptionalApi.isPresent(OptionalApi.JAX_RS, echo)) {
                add(discovery, beans, ActionsResource.class);
            }
        }
        if (OptionalApi.isPresent(OptionalApi.MP_METRICS, echo)) {
            add(discovery, beans, MetricRegistryHolder.class);
        }
        if (OptionalApi.isPresent(OptionalApi.MP_HEALTH, echo)) {
            add(discovery, beans, EchoHealthChecks.class);
        }
        if (OptionalApi.isPresent(OptionalApi.OPENTELEMETRY, echo)) {
            add(discovery, beans, OpenTelemetryHolder.class);
        }
    }

    private static void add(BeforeBeanDiscovery discovery, BeanManager beans, Class<?> type) {
        discovery.addAnnotatedType(beans.createAnnotatedType(type), type.getName());
    }

    /** Finds @EchoAction and @EchoHook methods on every managed bean. */
    <T> void discoverActions(@Observes ProcessManagedBean<T> event) {
        actionMethods.discover(event);
    }

    /** The discovered methods become a bean, so the action system gets them by injection. */
    void offerActionMethods(@Observes AfterBeanDiscovery discovery) {
        discovery.addBean().beanClass(ActionMethods.class).types(ActionMethods.class, Object.class)
                .scope(Dependent.class).createWith(context -> actionMethods);
    }

    void validateConfiguration(@Observes AfterDeploymentValidation validation) {
        for (String problem : actionMethods.problems()) {
            validation.addDeploymentProblem(new IllegalStateException("Echo: " + problem));
        }
        try {
            ClassLoader app = Thread.currentThread().getContextClassLoader();
            EchoConfig config = EchoConfig.read(ConfigLookup.forApplication(app));
            // the keys that sign action messages are the servers' secret: never packaged in the application
            ConfigLookup.requireOutsideApplication(app, dev.echo.cdi.config.SigningKeys.SIGNING_KEY);
            ConfigLookup.requireOutsideApplication(app, dev.echo.cdi.config.SigningKeys.PREVIOUS_SIGNING_KEYS);
            ConfigLookup.requireOutsideApplication(app, dev.echo.cdi.config.MessagingLogin.PASSWORD);
            LOG.fine(() -> "Echo configuration: " + config);
        } catch (IllegalArgumentException e) {
            validation.addDeploymentProblem(e);
        }
    }
}
