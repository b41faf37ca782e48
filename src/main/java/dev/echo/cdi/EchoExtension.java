package dev.echo.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

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
    }

    void validateConfiguration(@Observes AfterDeploymentValidation validation) {
        try {
            EchoConfig config = EchoConfig.read(ConfigLookup.forApplication(Thread.currentThread().getContextClassLoader()));
            LOG.fine(() -> "Echo configuration: " + config);
        } catch (IllegalArgumentException e) {
            validation.addDeploymentProblem(e);
        }
    }
}
