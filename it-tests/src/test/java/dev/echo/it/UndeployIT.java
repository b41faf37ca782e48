package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.testing.Await;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;


import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: a second application ("probe", Echo named {@code undeploy-probe}) is deployed,
 * its workers are seen from this application (same JVM), it is undeployed, and then no thread
 * of its Echo is left.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UndeployIT {

    private static final String PREFIX = "undeploy-probe-";

    @Deployment(name = "observer", order = 1)
    static WebArchive observer() {
        return Deployments.withConfig("undeploy-observer", "echo.name=observer\n", UndeployIT.class);
    }

    @Deployment(name = "probe", managed = false, order = 2)
    static WebArchive probe() {
        return Deployments.withConfig("undeploy-probe", "echo.name=undeploy-probe\necho.workers=2\necho.stop.timeout=2s\n",
                UndeployIT.class);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    @Order(1)
    @RunAsClient
    void deployTheProbe() {
        deployer.deploy("probe");
    }

    @Test
    @Order(2)
    @OperateOnDeployment("observer")
    void theProbesWorkersRun() throws Exception {
        Await.value(UndeployIT::probeThreads, n -> n >= 2, java.time.Duration.ofSeconds(30),
                "the probe's Echo workers appear");
        // and the thread that keeps its MicroProfile counters up to date, which must go too
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(PREFIX + "metrics")),
                "the probe's metrics thread runs");
    }

    @Test
    @Order(3)
    @RunAsClient
    void undeployTheProbe() {
        deployer.undeploy("probe");
    }

    @Test
    @Order(4)
    @OperateOnDeployment("observer")
    void noThreadOfTheProbeIsLeft() throws Exception {
        Await.value(UndeployIT::probeThreads, n -> n == 0, java.time.Duration.ofSeconds(30),
                "no Echo thread of the undeployed application is left");
        assertEquals(0, probeThreads(), "Echo threads survived their application");
    }

    private static long probeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(PREFIX) && t.isAlive()).count();
    }
}
