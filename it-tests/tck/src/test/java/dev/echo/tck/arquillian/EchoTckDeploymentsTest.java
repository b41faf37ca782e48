package dev.echo.tck.arquillian;

import org.jboss.arquillian.test.spi.TestClass;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** What the extension puts into the TCK's deployments, for each kind of archive and run. */
public class EchoTckDeploymentsTest {

    private final String libs = System.getProperty(EchoTckDeployments.LIBS_PROPERTY);

    @AfterMethod
    public void restore() {
        System.clearProperty(EchoTckDeployments.TARGET_PROPERTY);
        System.setProperty(EchoTckDeployments.LIBS_PROPERTY, libs);
    }

    @Test
    public void aWarOfTheEchoRunCarriesEchoAndTheRouteSetToEcho() throws Exception {
        System.setProperty(EchoTckDeployments.TARGET_PROPERTY, "echo");
        WebArchive war = ShrinkWrap.create(WebArchive.class, "t.war");
        new EchoTckDeployments().process(war, new TestClass(getClass()));
        String content = war.getContent().keySet().toString();
        assertTrue(content.contains("/WEB-INF/lib/echo-tck-route.jar"), content);
        assertTrue(war.getContent(p -> p.get().matches("/WEB-INF/lib/echo-[0-9].*\\.jar")).size() == 1, content);
        assertTrue(war.getContent(p -> p.get().matches("/WEB-INF/lib/jctools-core-.*\\.jar")).size() == 1, content);
        JavaArchive route = war.getAsType(JavaArchive.class, "/WEB-INF/lib/echo-tck-route.jar");
        assertEquals(target(route), "echo");
        assertTrue(route.contains("/dev/echo/tck/route/EchoTckRoute.class"));
    }

    @Test
    public void aWarOfTheControlCarriesTheRouteOnly() throws Exception {
        System.setProperty(EchoTckDeployments.TARGET_PROPERTY, "liberty");
        WebArchive war = ShrinkWrap.create(WebArchive.class, "t.war");
        new EchoTckDeployments().process(war, new TestClass(getClass()));
        assertEquals(war.getContent(p -> p.get().startsWith("/WEB-INF/lib/")).size(), 1, war.getContent().keySet().toString());
        assertEquals(target(war.getAsType(JavaArchive.class, "/WEB-INF/lib/echo-tck-route.jar")), "liberty");
    }

    @Test
    public void anEjbJarGetsEchosClassesMergedAndKeepsItsOwnDescriptor() throws Exception {
        System.setProperty(EchoTckDeployments.TARGET_PROPERTY, "echo");
        JavaArchive ejb = ShrinkWrap.create(JavaArchive.class, "t.jar")
                .add(new StringAsset("mine"), "META-INF/MANIFEST.MF");
        new EchoTckDeployments().process(ejb, new TestClass(getClass()));
        assertTrue(ejb.contains("/dev/echo/tck/route/EchoTckRoute.class"));
        assertTrue(ejb.contains("/META-INF/services/jakarta.enterprise.inject.spi.Extension"), "Echo's CDI extension is registered");
        assertTrue(ejb.contains("/org/jctools/queues/MpscArrayQueue.class"));
        assertEquals(target(ejb), "echo");
        try (InputStream in = ejb.get("/META-INF/MANIFEST.MF").getAsset().openStream()) {
            assertEquals(new String(in.readAllBytes()), "mine");
        }
    }

    @Test
    public void badSettingsAndUnknownArchivesAreRefusedByName() {
        System.clearProperty(EchoTckDeployments.TARGET_PROPERTY);
        IllegalStateException e = expectThrows(IllegalStateException.class,
                () -> new EchoTckDeployments().process(ShrinkWrap.create(WebArchive.class), new TestClass(getClass())));
        assertTrue(e.getMessage().contains("echo.tck.target must be echo or liberty, was null"), e.getMessage());
        System.setProperty(EchoTckDeployments.TARGET_PROPERTY, "echo");
        System.setProperty(EchoTckDeployments.LIBS_PROPERTY, "no/such.jar");
        e = expectThrows(IllegalStateException.class,
                () -> new EchoTckDeployments().process(ShrinkWrap.create(WebArchive.class), new TestClass(getClass())));
        assertTrue(e.getMessage().contains("names no/such.jar, which is not a file"), e.getMessage());
        System.setProperty(EchoTckDeployments.LIBS_PROPERTY, libs);
        Archive<?> rar = ShrinkWrap.create(ResourceAdapterArchive.class, "x.rar");
        e = expectThrows(IllegalStateException.class, () -> new EchoTckDeployments().process(rar, new TestClass(getClass())));
        assertTrue(e.getMessage().contains("handles WAR, EAR and EJB jar only"), e.getMessage());
        assertFalse(rar.contains("/echo-tck-route.jar"));
    }

    private static String target(Archive<?> jar) throws IOException {
        Properties p = new Properties();
        try (InputStream in = jar.get("/META-INF/echo-tck-route.properties").getAsset().openStream()) {
            p.load(in);
        }
        return p.getProperty("target");
    }
}
