package dev.echo.it;

import dev.echo.it.support.WebXml;
import dev.echo.it.support.Http;
import dev.echo.it.support.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty, over HTTP: each task runs with its submitter's container context — identity,
 * java:comp/env, the application's class loader — and none of it stays on the worker. One
 * worker only, so alice's and bob's tasks (and anonymous ones) share the same thread.
 */
@ExtendWith(ArquillianExtension.class)
class ContextIT {

    private static final String WEB_XML = WebXml.basicAuth("""
            <env-entry>
              <env-entry-name>echo/greeting</env-entry-name>
              <env-entry-type>java.lang.String</env-entry-type>
              <env-entry-value>hello from java:comp/env</env-entry-value>
            </env-entry>""", "/api/identity/secured", "/api/identity/secured/*");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.withConfig("context", "echo.workers=1\necho.max-workers=1\n", IdentityResource.class)
                .setWebXML(new StringAsset(WEB_XML));
    }

    @ArquillianResource
    URL base;

    private String get(String path, String user, String password) throws Exception {
        HttpResponse<String> response = Http.send("GET", base + "api/identity/" + path, null, user, password);
        assertEquals(200, response.statusCode(), path + " as " + user + ": " + response.body());
        return response.body();
    }

    @Test
    @RunAsClient
    void aTaskSeesItsCallersIdentityJavaCompAndClassLoader() throws Exception {
        String[] alice = get("secured", "alice", "alicepwd").split("\\|");
        assertEquals("alice", alice[0]);
        assertEquals("hello from java:comp/env", alice[1]);
        assertEquals("true", alice[2], "the task's context class loader is not the application's");
        assertTrue(alice[3].startsWith("echo-worker-"), alice[3]);
    }

    @Test
    @RunAsClient
    void aDependentStageRunsOnEchoWithTheContextOfTheThreadThatRegisteredIt() throws Exception {
        String[] bob = get("secured/stage", "bob", "bobpwd").split("\\|");
        assertEquals("bob", bob[0]);
        assertTrue(bob[1].startsWith("echo-worker-"), bob[1]);
        String[] alice = get("secured/stage", "alice", "alicepwd").split("\\|");
        assertEquals("alice", alice[0]);
    }

    /**
     * One worker, and callers that take turns: alice, bob, anonymous, alice, ... Each request
     * waits for its task, so every task runs on the same thread right after a task of another
     * caller: any identity left on the worker would be seen by the next one.
     */
    @Test
    @RunAsClient
    void callersTakingTurnsOnOneWorkerNeverSeeEachOthersIdentity() throws Exception {
        String[][] callers = {{"alice", "alicepwd"}, {"bob", "bobpwd"}, {null, null}};
        java.util.Set<String> workers = new java.util.HashSet<>();
        for (int round = 0; round < 10; round++) {
            for (String[] caller : callers) {
                String[] seen = get(caller[0] == null ? "anonymous" : "secured", caller[0], caller[1]).split("\\|");
                if (caller[0] != null) {
                    assertEquals(caller[0], seen[0], "round " + round + ": a task of " + caller[0] + " saw " + seen[0]);
                } else { // no caller principal, or Liberty's unauthenticated subject: never the previous caller
                    assertTrue(java.util.Set.of("<none>", "UNAUTHENTICATED").contains(seen[0]),
                            "round " + round + ": an anonymous task saw " + seen[0]);
                }
                workers.add(seen[3]);
            }
        }
        assertEquals(1, workers.size(), "all tasks shared the one worker: " + workers);
    }
}
