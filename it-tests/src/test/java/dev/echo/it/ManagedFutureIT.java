package dev.echo.it;

import dev.echo.it.support.WebXml;
import dev.echo.cdi.executor.ManagedFuture;
import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty, table-driven over every dependent-stage method of Echo's managed futures: each
 * stage, registered by alice and triggered from an Echo task without her identity, runs on an
 * Echo worker at the future's priority (LOW) and sees alice; and each one cancelled before its
 * source completes stays cancelled and never runs its function.
 */
@ExtendWith(ArquillianExtension.class)
class ManagedFutureIT {

    private static final String WEB_XML = WebXml.basicAuth("", "/api/stages");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.withConfig("stages", "echo.workers=2\n", StagesResource.class).setWebXML(new StringAsset(WEB_XML));
    }

    @ArquillianResource
    URL base;

    @Test
    @RunAsClient
    void everyDependentStageRunsOnEchoAtItsPriorityWithTheRegisteringCallersContext() throws Exception {
        HttpResponse<String> r = Http.send("GET", base + "api/stages", null, "alice", "alicepwd");
        assertEquals(200, r.statusCode(), r.body());
        List<String> lines = r.body().lines().toList();
        Set<String> names = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\\|");
            names.add(f[0]);
            boolean ok = f.length == 5 && f[1].startsWith("echo-worker-") && f[2].equals("LOW") && f[3].equals("alice")
                    && f[4].equals("cancelled");
            if (!ok) {
                wrong.add(line);
            }
        }
        assertEquals(List.of(), wrong, "stages that ran elsewhere, at another priority, as someone else, or ran although cancelled");
        assertEquals(stageMethodsOfManagedFuture(), names, "the table covers every dependent-stage method");
    }

    /** ManagedFuture's own dependent-stage overrides, named as the table names them. */
    private static Set<String> stageMethodsOfManagedFuture() {
        Set<String> names = new TreeSet<>();
        for (Method m : ManagedFuture.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && CompletableFuture.class.isAssignableFrom(m.getReturnType())
                    && !m.getName().equals("newIncompleteFuture") && !m.isSynthetic() && !m.isBridge()) {
                List<Class<?>> params = Arrays.asList(m.getParameterTypes());
                names.add(m.getName() + (params.contains(Executor.class) ? "(executor)" : ""));
            }
        }
        return names;
    }
}
