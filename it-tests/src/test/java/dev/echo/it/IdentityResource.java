package dev.echo.it;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import javax.naming.InitialContext;
import java.security.Principal;
import java.util.concurrent.TimeUnit;

/**
 * Test endpoint (deployed by ContextIT only): runs a task on Echo and reports what the task saw
 * of the caller's container context — identity, java:comp/env, class loader.
 */
@Path("identity")
public class IdentityResource {

    @Inject
    ManagedExecutorService executor;

    @Inject
    SecurityContext security;

    /** Behind BASIC authentication (web.xml): the caller is alice or bob. */
    @GET
    @Path("secured")
    @Produces(MediaType.TEXT_PLAIN)
    public String secured() throws Exception {
        return seenByATask();
    }

    /**
     * A dependent stage registered on the request thread (as alice or bob) runs later on an Echo
     * worker: it must see the identity of the thread that registered it.
     */
    @GET
    @Path("secured/stage")
    @Produces(MediaType.TEXT_PLAIN)
    public String securedStage() throws Exception {
        java.util.concurrent.CompletableFuture<String> gate = executor.newIncompleteFuture();
        java.util.concurrent.CompletableFuture<String> seen = gate.thenApplyAsync(x -> {
            Principal p = security.getCallerPrincipal();
            return (p == null ? "<none>" : p.getName()) + "|" + Thread.currentThread().getName();
        });
        executor.runAsync(() -> gate.complete("go")); // completed from a worker, not from this thread
        return seen.get(30, TimeUnit.SECONDS);
    }

    /** Not secured: the caller is unauthenticated. */
    @GET
    @Path("anonymous")
    @Produces(MediaType.TEXT_PLAIN)
    public String anonymous() throws Exception {
        return seenByATask();
    }

    private String seenByATask() throws Exception {
        ClassLoader appLoader = Thread.currentThread().getContextClassLoader();
        return executor.submit(() -> {
            Principal p = security.getCallerPrincipal();
            String greeting;
            try {
                greeting = (String) new InitialContext().lookup("java:comp/env/echo/greeting");
            } catch (Exception e) {
                greeting = "lookup failed: " + e;
            }
            boolean sameLoader = Thread.currentThread().getContextClassLoader() == appLoader;
            return (p == null ? "<none>" : p.getName()) + "|" + greeting + "|" + sameLoader + "|" + Thread.currentThread().getName();
        }).get(30, TimeUnit.SECONDS);
    }
}
