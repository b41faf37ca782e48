package dev.echo.it.support;

import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.Map;

/**
 * Test deployments: the showcase WAR (with Echo in WEB-INF/lib) plus the test's own classes and
 * the shared test helpers ({@code dev.echo.testing} and this package), so that in-server tests
 * use the same helpers as the client side.
 */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive showcase(String name, Class<?>... classes) {
        File war = new File(System.getProperty("echo.showcase.war", "target/echo-showcase.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("build the showcase first (mvn package): " + war.getAbsolutePath() + " is missing");
        }
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .merge(ShrinkWrap.createFromZipFile(WebArchive.class, war))
                .addClasses(classes)
                .addPackage(Deployments.class.getPackage())
                .addPackage("dev.echo.testing");
    }

    /**
     * A WAR with nothing but Echo (its jar and JCTools, taken from the showcase WAR the build
     * made), an empty beans.xml and {@code classes}: an application as small as a user's.
     */
    public static WebArchive bare(String name, Class<?>... classes) {
        File showcase = new File(System.getProperty("echo.showcase.war", "target/echo-showcase.war"));
        WebArchive source = ShrinkWrap.createFromZipFile(WebArchive.class, showcase);
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war").addClasses(classes)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        Map<ArchivePath, Node> libs = source.getContent(p -> p.get().startsWith("/WEB-INF/lib/")
                && (p.get().contains("/echo-") || p.get().contains("/jctools-")));
        if (libs.size() != 2) {
            throw new IllegalStateException("the Echo jar and JCTools in the showcase WAR: " + libs.keySet());
        }
        for (Node lib : libs.values()) {
            String jar = lib.getPath().get().substring("/WEB-INF/lib/".length());
            war.add(lib.getAsset(), "/WEB-INF/lib/" + jar);
        }
        return war;
    }

    /** The showcase with Echo configured through MicroProfile Config. */
    public static WebArchive withConfig(String name, String properties, Class<?>... classes) {
        return showcase(name, classes)
                .addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }
}
