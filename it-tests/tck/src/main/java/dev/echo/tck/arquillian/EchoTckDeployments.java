package dev.echo.tck.arquillian;

import dev.echo.tck.route.EchoTckRoute;
import org.jboss.arquillian.container.test.spi.client.deployment.ApplicationArchiveProcessor;
import org.jboss.arquillian.test.spi.TestClass;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Adds what a TCK deployment needs to run on Echo, as a user's application would have it:
 * <ul>
 *   <li>the route ({@link EchoTckRoute}) and the file naming the run (system property
 *       {@code echo.tck.target}: {@code echo} or {@code liberty}), in every deployment;</li>
 *   <li>in the Echo run, Echo's jar and JCTools (the files named by {@code echo.tck.libs}, a
 *       path list the build fills from the installed {@code dev.echo:echo}).</li>
 * </ul>
 * A WAR gets them in {@code WEB-INF/lib}, an EAR in {@code lib/}. A standalone EJB jar cannot
 * hold a library, so their classes are merged into it (the container sees one EJB module that
 * contains Echo, as a shaded jar would). Anything else fails the test: an archive the route
 * never reached would test Liberty's executor under Echo's name.
 */
public class EchoTckDeployments implements ApplicationArchiveProcessor {

    static final String TARGET_PROPERTY = "echo.tck.target";
    static final String LIBS_PROPERTY = "echo.tck.libs";
    private static final Logger LOG = Logger.getLogger(EchoTckDeployments.class.getName());

    @Override
    public void process(Archive<?> archive, TestClass testClass) {
        prepare(archive, testClass.getName());
    }

    /** Adds the route (and, in the Echo run, Echo) to a deployment of test {@code owner}. */
    static void prepare(Archive<?> archive, String owner) {
        if (archive.contains("/WEB-INF/lib/echo-tck-route.jar") || archive.contains("/lib/echo-tck-route.jar")
                || archive.contains("/dev/echo/tck/route/EchoTckRoute.class")) {
            return; // prepared already: a deployment is prepared once, whoever sees it first
        }
        String target = target();
        List<JavaArchive> libraries = new ArrayList<>();
        libraries.add(routeJar(target));
        if ("echo".equals(target)) {
            libraries.addAll(echoJars());
        }
        if (archive instanceof WebArchive war) {
            war.addAsLibraries(libraries.toArray(new JavaArchive[0]));
        } else if (archive instanceof EnterpriseArchive ear) {
            ear.addAsLibraries(libraries.toArray(new JavaArchive[0]));
        } else if (archive instanceof JavaArchive jar) {
            for (JavaArchive lib : libraries) {
                // the module's own descriptors and manifest stay; the library's classes, service
                // files and resources are added
                jar.merge(lib, Filters.exclude("/META-INF/MANIFEST.MF|/META-INF/maven/.*"));
            }
        } else {
            throw new IllegalStateException("TCK deployment " + archive.getName() + " of " + owner
                    + " is a " + archive.getClass().getName() + ": Echo's TCK extension handles WAR, EAR and EJB jar only");
        }
        LOG.fine(() -> "TCK deployment " + archive.getName() + " of " + owner + " set up for " + target);
    }

    static String target() {
        String target = System.getProperty(TARGET_PROPERTY);
        if (!"echo".equals(target) && !"liberty".equals(target)) {
            throw new IllegalStateException("system property " + TARGET_PROPERTY + " must be echo or liberty, was " + target);
        }
        return target;
    }

    static JavaArchive routeJar(String target) {
        return ShrinkWrap.create(JavaArchive.class, "echo-tck-route.jar")
                .addClass(EchoTckRoute.class)
                .add(new StringAsset("target=" + target + "\n"), EchoTckRoute.RESOURCE);
    }

    static List<JavaArchive> echoJars() {
        String libs = System.getProperty(LIBS_PROPERTY);
        if (libs == null || libs.isBlank()) {
            throw new IllegalStateException("system property " + LIBS_PROPERTY + " must list Echo's jar and its dependencies");
        }
        List<JavaArchive> jars = new ArrayList<>();
        boolean echo = false;
        for (String path : libs.split(File.pathSeparator)) {
            File file = new File(path.trim());
            if (!file.isFile()) {
                throw new IllegalStateException(LIBS_PROPERTY + " names " + file + ", which is not a file");
            }
            echo |= file.getName().startsWith("echo-");
            jars.add(ShrinkWrap.createFromZipFile(JavaArchive.class, file));
        }
        if (!echo) {
            throw new IllegalStateException(LIBS_PROPERTY + " has no echo-*.jar: " + libs);
        }
        return jars;
    }

}
