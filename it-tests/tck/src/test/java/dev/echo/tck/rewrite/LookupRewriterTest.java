package dev.echo.tck.rewrite;

import dev.echo.tck.route.EchoTckRoute;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.testng.annotations.Test;

import javax.naming.Context;
import javax.naming.InitialContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/**
 * The rewrite on classes shaped like the TCK's, loaded and run with the route in both modes, and
 * on the real TCK jar: the sites it must reach are reached.
 */
public class LookupRewriterTest {

    private static final String INJECTED = "dev/echo/tck/rewrite/Injected";
    private static final String SUBCLASS = "dev/echo/tck/rewrite/InjectedSubclass";

    @Test
    public void theControlRouteAnswersWhatTheContainerInjected() throws Exception {
        Class<?> injected = rewrittenLoader("liberty").loadClass(INJECTED.replace('/', '.'));
        Object servlet = injected.getConstructor().newInstance();
        ManagedExecutorService container = executor(ManagedExecutorService.class);
        ManagedScheduledExecutorService scheduled = executor(ManagedScheduledExecutorService.class);
        set(servlet, "byDefault", container);
        set(servlet, "byDefaultName", scheduled);
        assertSame(call(servlet, "readDefault"), container);
        assertSame(call(servlet, "readDefaultName"), scheduled);
        Context jndi = context("java:comp/DefaultManagedExecutorService", container);
        assertSame(injected.getMethod("lookUp", Context.class, String.class).invoke(null, jndi, "java:comp/DefaultManagedExecutorService"), container);
    }

    @Test
    public void theEchoRouteReplacesEveryDefaultExecutorAndNothingElse() throws Exception {
        ClassLoader loader = rewrittenLoader("echo");
        Class<?> injected = loader.loadClass(INJECTED.replace('/', '.'));
        Object servlet = injected.getConstructor().newInstance();
        ManagedExecutorService container = executor(ManagedExecutorService.class);
        set(servlet, "byDefault", container);
        set(servlet, "defined", container);
        // outside a server there is no CDI container: the route reaching for Echo's bean is the proof
        assertReachesForCdi(() -> call(servlet, "readDefault"));
        assertReachesForCdi(() -> call(servlet, "readDefaultName"));
        assertReachesForCdi(() -> loader.loadClass(SUBCLASS.replace('/', '.')).getMethod("readInherited")
                .invoke(loader.loadClass(SUBCLASS.replace('/', '.')).getConstructor().newInstance()));
        Method lookUp = injected.getMethod("lookUp", Context.class, String.class);
        assertReachesForCdi(() -> lookUp.invoke(null, context("java:comp/DefaultManagedExecutorService", container),
                "java:comp/DefaultManagedExecutorService"));
        assertReachesForCdi(() -> injected.getMethod("lookUpInitial", InitialContext.class, String.class).invoke(null,
                new InitialContext() {
                    @Override
                    public Object lookup(String name) {
                        return container;
                    }
                }, "java:comp/DefaultManagedScheduledExecutorService"));
        // the TCK's own definitions and every other name stay the container's
        assertSame(call(servlet, "readDefined"), container);
        Object other = new Object();
        assertSame(lookUp.invoke(null, context("java:comp/env/jdbc/DB", other), "java:comp/env/jdbc/DB"), other);
    }

    @Test
    public void aDeploymentWithoutTheRouteFileFailsLoudly() throws Exception {
        Class<?> injected = rewrittenLoader(null).loadClass(INJECTED.replace('/', '.'));
        Object servlet = injected.getConstructor().newInstance();
        InvocationTargetException e = expectThrows(InvocationTargetException.class, () -> injected.getMethod("readDefault").invoke(servlet));
        assertTrue(String.valueOf(e.getCause()).contains("ExceptionInInitializerError") || e.getCause() instanceof ExceptionInInitializerError, String.valueOf(e.getCause()));
        assertTrue(String.valueOf(e.getCause().getCause()).contains("echo-tck-route.properties is missing"), String.valueOf(e.getCause().getCause()));
    }

    @Test
    public void theReportNamesWhatWasRoutedAndWhatWasKept() throws Exception {
        LookupRewriter.Report report = new LookupRewriter.Report();
        LookupRewriter.rewrite(classBytes(), report);
        assertEquals(report.routedFields().size(), 2, report.routedFields().toString());
        assertEquals(report.unroutedFields().size(), 1, report.unroutedFields().toString());
        assertTrue(report.unroutedFields().iterator().next().contains("Injected.defined"));
        // three field reads (one inherited), two JNDI calls; readDefined is not a site
        assertEquals(report.siteCount(), 5, report.sites().toString());
        assertFalse(report.sites().toString().contains("readDefined"));
    }

    @Test
    public void theRealTckIsRoutedWhereItLooksUpTheDefaultExecutors() throws Exception {
        Path tck = Path.of(System.getProperty("echo.tck.jar", "missing"));
        assertTrue(Files.isRegularFile(tck), "system property echo.tck.jar must name the TCK jar: " + tck);
        Path out = Files.createTempDirectory("tck-rewrite");
        LookupRewriter.Report report = LookupRewriter.rewriteJar(tck, out);
        String sites = report.sites().toString();
        // TestUtil.lookup is how the API tests (Trigger, LastExecution, ManagedTask...) find both executors
        assertTrue(sites.contains("ee/jakarta/tck/concurrent/framework/TestUtil=[lookup: javax/naming/Context.lookup]"), sites);
        assertTrue(report.routedFields().stream().anyMatch(f -> f.contains("inheritedapi/CommonServlet.mes")), report.routedFields().toString());
        assertTrue(report.routedFields().stream().anyMatch(f -> f.contains("forbiddenapi/TestEjb.mes")), report.routedFields().toString());
        assertTrue(Files.isRegularFile(out.resolve("ee/jakarta/tck/concurrent/api/ManagedScheduledExecutorService/web.xml")),
                "the TCK's resources are copied beside its classes");
        assertTrue(report.siteCount() >= 25, "fewer sites than TCK 3.0.2 has: " + report.siteCount());
    }

    // --- helpers

    interface Action {
        Object run() throws Exception;
    }

    private static void assertReachesForCdi(Action action) {
        Throwable t = expectThrows(Throwable.class, action::run);
        while (t instanceof InvocationTargetException && t.getCause() != null) {
            t = t.getCause();
        }
        assertTrue(t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("CDIProvider"),
                "expected the route to ask CDI for Echo's executor, got " + t);
    }

    private static Map<String, byte[]> classBytes() throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        for (String name : new String[] {INJECTED, SUBCLASS}) {
            try (InputStream in = LookupRewriterTest.class.getClassLoader().getResourceAsStream(name + ".class")) {
                classes.put(name, in.readAllBytes());
            }
        }
        return classes;
    }

    /** Loads the rewritten classes and a fresh copy of the route, which reads {@code target} from its file. */
    private static ClassLoader rewrittenLoader(String target) throws IOException {
        Map<String, byte[]> rewritten = LookupRewriter.rewrite(classBytes(), new LookupRewriter.Report());
        byte[] route;
        try (InputStream in = LookupRewriterTest.class.getClassLoader().getResourceAsStream(LookupRewriter.ROUTE + ".class")) {
            route = in.readAllBytes();
        }
        rewritten.put(LookupRewriter.ROUTE, route);
        return new ClassLoader(LookupRewriterTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    byte[] bytes = rewritten.get(name.replace('.', '/'));
                    if (bytes == null) {
                        return super.loadClass(name, resolve);
                    }
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                }
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                if (EchoTckRoute.RESOURCE.equals(name)) {
                    return target == null ? null : new ByteArrayInputStream(("target=" + target + "\n").getBytes());
                }
                return super.getResourceAsStream(name);
            }

            @Override
            public URL getResource(String name) {
                return EchoTckRoute.RESOURCE.equals(name) ? null : super.getResource(name);
            }
        };
    }

    private static <T> T executor(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            throw new UnsupportedOperationException(m.getName());
        }));
    }

    private static Context context(String name, Object answer) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class}, (p, m, a) -> {
            if (m.getName().equals("lookup") && name.equals(a[0])) {
                return answer;
            }
            throw new UnsupportedOperationException(m.getName() + " " + java.util.Arrays.toString(a));
        });
    }

    private static void set(Object target, String field, Object value) throws Exception {
        var f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static Object call(Object target, String method) throws Exception {
        return target.getClass().getMethod(method).invoke(target);
    }
}
