package dev.echo.tck.arquillian;

import org.jboss.arquillian.container.test.spi.client.deployment.ApplicationArchiveProcessor;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Echo's Arquillian extension for the Jakarta Concurrency TCK: every deployment the TCK builds
 * is prepared by {@link EchoTckDeployments} before it reaches Liberty. Arquillian hands only
 * testable (in-container) deployments to an {@link ApplicationArchiveProcessor}; the TCK's
 * client-side tests deploy with {@code testable = false}, so those are prepared just before
 * they are deployed ({@link ClientDeployments}).
 */
public class EchoTckExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(ApplicationArchiveProcessor.class, EchoTckDeployments.class);
        builder.observer(ClientDeployments.class);
    }
}
