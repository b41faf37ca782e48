package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.testing.Await;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** In Liberty: a bad Echo setting fails the deployment, and the server log names the key. */
@ExtendWith(ArquillianExtension.class)
class BadConfigIT {

    @Deployment(name = "bad", managed = false)
    static WebArchive bad() {
        return Deployments.withConfig("badconfig", "echo.workers=lots\n", BadConfigIT.class);
    }

    @Deployment(name = "overflow", managed = false)
    static WebArchive overflow() {
        return Deployments.withConfig("overflowconfig", "echo.stop.timeout=1e10s\n", BadConfigIT.class);
    }

    @Deployment(name = "nojmsqueue", managed = false)
    static WebArchive missingQueue() {
        return Deployments.withConfig("nojmsqueue", "echo.actions.queue=jms\necho.actions.jms.queue=jms/echo/nowhere\n",
                BadConfigIT.class);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    @RunAsClient
    void durableActionsWithoutTheirQueueFailTheDeploymentNamingTheJndiNameAndTheKey() throws Exception {
        assertThrows(Exception.class, () -> deployer.deploy("nojmsqueue"), "a jms deployment without its queue started");
        Path log = Path.of(System.getProperty("liberty.log", "target/liberty/wlp/usr/servers/echo/logs/messages.log"));
        Await.value(() -> Files.readString(log),
                t -> t.contains("echo.actions.queue=jms needs a Queue at JNDI name 'jms/echo/nowhere' (echo.actions.jms.queue)"),
                Duration.ofSeconds(30), "the server log names the missing queue and its setting");
        try {
            deployer.undeploy("nojmsqueue");
        } catch (RuntimeException ignored) {
            // it never started
        }
    }

    @Test
    @RunAsClient
    void aValueThatOverflowsFailsTheDeploymentNamingTheKey() throws Exception {
        assertThrows(Exception.class, () -> deployer.deploy("overflow"), "a deployment with echo.stop.timeout=1e10s started");
        Path log = Path.of(System.getProperty("liberty.log", "target/liberty/wlp/usr/servers/echo/logs/messages.log"));
        Await.value(() -> Files.readString(log),
                t -> t.contains("'echo.stop.timeout' must be a duration of at most 365 days, was '1e10s'"), Duration.ofSeconds(30),
                "the server log names the key whose value overflows");
        try {
            deployer.undeploy("overflow");
        } catch (RuntimeException ignored) {
            // it never started
        }
    }

    @Test
    @RunAsClient
    void aBadValueFailsTheDeploymentNamingTheKey() throws Exception {
        assertThrows(Exception.class, () -> deployer.deploy("bad"), "a deployment with echo.workers=lots started");
        Path log = Path.of(System.getProperty("liberty.log", "target/liberty/wlp/usr/servers/echo/logs/messages.log"));
        String text = Await.value(() -> Files.readString(log),
                t -> t.contains("'echo.workers' must be an integer >= 1, was 'lots'"), Duration.ofSeconds(30),
                "the server log names the bad key");
        assertTrue(text.contains("'echo.workers' must be an integer >= 1, was 'lots'"),
                "the server log does not name the bad key");
        try {
            deployer.undeploy("bad");
        } catch (RuntimeException ignored) {
            // it never started
        }
    }
}
