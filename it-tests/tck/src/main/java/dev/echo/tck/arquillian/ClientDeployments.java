package dev.echo.tck.arquillian;

import org.jboss.arquillian.container.spi.client.deployment.DeploymentDescription;
import org.jboss.arquillian.container.spi.event.container.BeforeDeploy;
import org.jboss.arquillian.core.api.annotation.Observes;

/**
 * Prepares the deployments Arquillian does not give to archive processors: those of tests that
 * run on the client ({@code @Deployment(testable = false)}) and call servlets over HTTP.
 */
public class ClientDeployments {

    public void prepare(@Observes BeforeDeploy event) {
        DeploymentDescription d = event.getDeployment();
        if (d.isArchiveDeployment() && !d.testable()) {
            EchoTckDeployments.prepare(d.getArchive(), d.getName());
        }
    }
}
