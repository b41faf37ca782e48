package dev.echo.it;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Application;

/**
 * A WAR of its own, without Echo, deployed beside Echo applications (TwoApplicationsIT): plain
 * Jakarta Messaging code that looks up Echo's default JNDI names and sends what Echo would, for an
 * application it names, without the servers' signing key.
 */
@Path("intrude")
@RequestScoped
public class Intruder {

    /** The intruder's JAX-RS application. */
    @ApplicationPath("/")
    public static class App extends Application {
    }

    @Resource(lookup = "jms/echo/cf")
    ConnectionFactory factory;

    @Resource(lookup = "jms/echo/actions")
    Queue actions;

    @Resource(lookup = "jms/echo/runs")
    Topic runs;

    /** Sends alice's {@code cluster.work} action for application {@code app} as run {@code id}, unsigned. */
    @POST
    @Path("action/{app}/{id}")
    public String action(@PathParam("app") String app, @PathParam("id") String id) throws Exception {
        try (JMSContext context = factory.createContext()) {
            TextMessage m = context.createTextMessage("{\"name\":\"cluster.work\",\"content\":{\"ms\":0}}");
            m.setStringProperty("echoRunId", id);
            m.setStringProperty("echoPrincipal", "alice");
            m.setStringProperty("echoApplication", "false");
            m.setStringProperty("echoPriority", "HIGH");
            m.setStringProperty("echoAppName", app);
            m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()));
            context.createProducer().send(actions, m);
        }
        return "sent";
    }

    /** Publishes a SUCCEEDED state of alice's for {@code key} in application {@code app}, unsigned. */
    @POST
    @Path("state/{app}/{key}")
    public String state(@PathParam("app") String app, @PathParam("key") String key) throws Exception {
        try (JMSContext context = factory.createContext()) {
            TextMessage m = context.createTextMessage("{\"type\":\"status\",\"id\":\"planted-" + key + "\",\"name\":\"cluster.work\","
                    + "\"owner\":\"alice\",\"application\":false,\"state\":\"SUCCEEDED\",\"attempts\":1,\"server\":\"x\","
                    + "\"deliveries\":1,\"redelivered\":false,\"version\":1,\"key\":\"" + key + "\",\"result\":\"1\"}");
            m.setStringProperty("echoAppName", app);
            m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()));
            context.createProducer().send(runs, m);
        }
        return "sent";
    }
}
