package dev.echo.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

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

    /** The showcase with Echo configured through MicroProfile Config. */
    public static WebArchive withConfig(String name, String properties, Class<?>... classes) {
        return showcase(name, classes)
                .addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }
}
