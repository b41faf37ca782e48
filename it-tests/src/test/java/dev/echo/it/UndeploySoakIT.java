package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import dev.echo.testing.Await;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty, what 20 deploy/undeploy cycles of an application with Echo leave behind: nothing.
 * It proves that after the cycles (1) no thread of the undeployed Echo is alive, (2) the JVM's
 * threads outside Liberty's own pools are back at the count measured after one warm-up cycle,
 * and (3) every undeployed application's class loader can be garbage collected — a thread, a
 * thread-local or a JVM-wide registration holding it would keep it reachable. Each probe
 * application runs a task on Echo when it starts and registers a weak reference to its loader.
 */
@ExtendWith(ArquillianExtension.class)
class UndeploySoakIT {

    private static final int CYCLES = 20;

    @Deployment(name = "observer", testable = false, order = 1)
    static WebArchive observer() {
        return Deployments.showcase("soak-observer", SoakResource.class); // the key prefix is a constant: no SoakProbe bean here
    }

    @Deployment(name = "probe", managed = false, testable = false, order = 2)
    static WebArchive probe() {
        return Deployments.bare("soak-probe", SoakProbe.class)
                .addAsResource(new StringAsset("echo.name=soak-probe\necho.workers=2\necho.stop.timeout=2s\n"),
                        "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    @OperateOnDeployment("observer")
    URL base;

    /** Deploys the probe, waits until its task ran on its Echo, undeploys it. */
    private void cycle() throws Exception {
        int before = figures(0).getInt("loadersRegistered");
        deployer.deploy("probe");
        Await.value(() -> figures(0), f -> f.getInt("loadersRegistered") == before + 1, Duration.ofSeconds(30),
                "the probe ran its task on Echo");
        deployer.undeploy("probe");
        // let the undeploy settle before the next deploy of the same name: the container adapter
        // reads the application's state right away and may see the previous one's
        Await.value(() -> figures(0), f -> f.getInt("probeThreads") == 0, Duration.ofSeconds(30),
                "the undeployed probe's Echo threads end");
        Await.value(() -> Http.send("GET", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort()
                + "/soak-probe/").statusCode(), status -> status == 404, Duration.ofSeconds(30), "the probe is gone");
    }

    private JsonObject figures(int gc) throws Exception {
        return Http.ok("GET", base + "api/soak?gc=" + gc);
    }

    @Test
    @RunAsClient
    void twentyDeployUndeployCyclesLeaveNoThreadAndNoClassLoaderBehind() throws Exception {
        cycle(); // warm-up: Liberty's first deployment of this kind creates its own long-lived threads
        JsonObject baseline = Await.value(() -> figures(0), f -> f.getInt("probeThreads") == 0, Duration.ofSeconds(30),
                "the warm-up probe's threads end");
        int registeredBefore = baseline.getInt("loadersRegistered");
        for (int i = 0; i < CYCLES; i++) {
            cycle();
        }
        JsonObject after = Await.value(() -> figures(2), f -> f.getInt("probeThreads") == 0
                        && f.getInt("otherThreads") <= baseline.getInt("otherThreads") && f.getInt("loadersAlive") == 0,
                Duration.ofSeconds(60), "no Echo thread, threads back at the baseline " + baseline + ", every loader collected");
        assertEquals(registeredBefore + CYCLES, after.getInt("loadersRegistered"), "every probe ran and registered its loader");
        assertEquals(0, after.getInt("probeThreads"));
        assertEquals(0, after.getInt("loadersAlive"), "undeployed applications' class loaders are still reachable");
    }
}
