package dev.echo.tck.route;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.inject.spi.CDI;

import javax.naming.Context;
import javax.naming.NamingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The server-side half of running the Jakarta Concurrency TCK on Echo. The build rewrites the
 * TCK's executor look-ups into calls of this class ({@code dev.echo.tck.rewrite.LookupRewriter});
 * the Arquillian extension puts it into every TCK deployment with a file that names the run:
 * <ul>
 *   <li>{@code target=echo}: the default managed executor and scheduled executor are Echo's,
 *       obtained as an application obtains them, {@code @Inject ManagedExecutorService} (the CDI
 *       bean Echo's jar registers in the deployment);</li>
 *   <li>{@code target=liberty} (the control): every call answers what the container gave, so
 *       the TCK runs on Liberty's own default executor through the same rewritten classes.</li>
 * </ul>
 * The JNDI look-up is always performed first: a name that does not resolve fails as it would
 * without the route.
 */
public final class EchoTckRoute {

    public static final String RESOURCE = "META-INF/echo-tck-route.properties";
    static final String DEFAULT_MES = "java:comp/DefaultManagedExecutorService";
    static final String DEFAULT_MSES = "java:comp/DefaultManagedScheduledExecutorService";

    private static final Logger LOG = Logger.getLogger(EchoTckRoute.class.getName());
    private static final boolean TO_ECHO = readTarget();

    private EchoTckRoute() {
    }

    /** Replaces {@code context.lookup(name)} in the TCK's classes. */
    public static Object lookup(Context context, String name) throws NamingException {
        Object found = context.lookup(name);
        if (!TO_ECHO) {
            return found;
        }
        if (DEFAULT_MSES.equals(name)) {
            return echo(ManagedScheduledExecutorService.class);
        }
        if (DEFAULT_MES.equals(name)) {
            return echo(ManagedExecutorService.class);
        }
        return found;
    }

    /** Follows each read of a field the container injects with the default executor. */
    public static ManagedExecutorService executor(ManagedExecutorService injected) {
        return TO_ECHO ? echo(ManagedExecutorService.class) : injected;
    }

    /** Follows each read of a field the container injects with the default scheduled executor. */
    public static ManagedScheduledExecutorService scheduledExecutor(ManagedScheduledExecutorService injected) {
        return TO_ECHO ? echo(ManagedScheduledExecutorService.class) : injected;
    }

    private static <T> T echo(Class<T> type) {
        T executor = CDI.current().select(type).get();
        // the route exists to test Echo: anything else answering the injection is a broken set-up
        if (!executor.getClass().getName().startsWith("dev.echo.")) {
            throw new IllegalStateException("@Inject " + type.getSimpleName() + " is not Echo's but "
                    + executor.getClass().getName() + ": is Echo's jar in the deployment?");
        }
        LOG.fine(() -> "TCK look-up of " + type.getSimpleName() + " answered by Echo");
        return executor;
    }

    private static boolean readTarget() {
        Properties p = new Properties();
        try (InputStream in = EchoTckRoute.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: the deployment was not made by Echo's TCK extension");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String target = p.getProperty("target");
        if (!"echo".equals(target) && !"liberty".equals(target)) {
            throw new IllegalStateException(RESOURCE + ": target must be echo or liberty, was " + target);
        }
        return "echo".equals(target);
    }
}
