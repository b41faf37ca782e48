package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

import static org.junit.jupiter.api.Assertions.*;

/**
 * In Liberty: an application that has action beans and Jakarta REST but did not set
 * {@code echo.actions.rest.enabled=true} has no actions endpoint — 404, not 400 — and its
 * actions never run from outside.
 */
@ExtendWith(ArquillianExtension.class)
class ActionsOptInIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.showcase("actions-optin", ItActions.class);
    }

    @ArquillianResource
    URL base;

    @Test
    @RunAsClient
    void withoutTheKeyThereIsNoActionsEndpoint() throws Exception {
        assertEquals(404, Http.send("POST", base + "api/actions", "{\"name\": \"now\"}", null, null).statusCode());
        assertEquals(404, Http.send("POST", base + "api/actions", "{\"name\": \"now\"}", "alice", "alicepwd").statusCode());
        assertEquals(404, Http.send("GET", base + "api/actions/x", null, null, null).statusCode());
        assertEquals(404, Http.send("DELETE", base + "api/actions/x", null, null, null).statusCode());
        // the application itself is up: its own endpoints answer
        assertEquals(200, Http.send("GET", base + "api/status").statusCode());
    }
}
