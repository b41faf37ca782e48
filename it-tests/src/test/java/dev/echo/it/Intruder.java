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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

/**
 * A WAR of its own, without Echo, deployed beside Echo applications (TwoApplicationsIT): plain
 * Jakarta Messaging code that looks up Echo's default JNDI names and sends what Echo would, for an
 * application it names, without the servers' signing key. It connects with no login, as alice
 * (a user of the server's registry), or as the servers' messaging user, whose login any
 * application on the server can read through MicroProfile Config; it answers "sent", or
 * "refused: " and what the engine said.
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

    private JMSContext context(String login) {
        if ("servers".equals(login)) {
            var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
            return factory.createContext(config.getValue("echo.actions.jms.user", String.class),
                    config.getValue("echo.actions.jms.password", String.class));
        }
        return "alice".equals(login) ? factory.createContext("alice", "alicepwd") : factory.createContext();
    }

    /** Sends alice's {@code cluster.work} action for application {@code app} as run {@code id}, unsigned. */
    @POST
    @Path("action/{app}/{id}")
    public String action(@PathParam("app") String app, @PathParam("id") String id, @QueryParam("login") String login) {
        try (JMSContext context = context(login)) {
            TextMessage m = context.createTextMessage("{\"name\":\"cluster.work\",\"content\":{\"ms\":0}}");
            m.setStringProperty("echoRunId", id);
            m.setStringProperty("echoPrincipal", "alice");
            m.setStringProperty("echoApplication", "false");
            m.setStringProperty("echoPriority", "HIGH");
            m.setStringProperty("echoAppName", app);
            m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()));
            context.createProducer().send(actions, m);
        } catch (Exception e) {
            return "refused: " + e;
        }
        return "sent";
    }

    /**
     * Publishes a SUCCEEDED state of alice's for {@code key} in application {@code app}, unsigned;
     * with {@code batch}, inside a batch of run states and marked cached.
     */
    @POST
    @Path("state/{app}/{key}")
    public String state(@PathParam("app") String app, @PathParam("key") String key, @QueryParam("login") String login,
                        @QueryParam("batch") boolean batch) {
        try (JMSContext context = context(login)) {
            String state = "{\"type\":\"status\",\"id\":\"planted-" + key + "\",\"name\":\"cluster.work\","
                    + "\"owner\":\"alice\",\"application\":false,\"state\":\"SUCCEEDED\",\"attempts\":1,\"server\":\"x\","
                    + "\"deliveries\":1,\"redelivered\":false,\"version\":1,\"key\":\"" + key + "\",\"result\":\"1\"}";
            // batch: the state inside a batch of run states, as a server's publisher sends them, and marked cached
            TextMessage m = context.createTextMessage(batch ? "{\"type\":\"batch\",\"items\":[" + state.replace("\"version\":1",
                    "\"version\":1,\"cached\":true") + "]}" : state);
            m.setStringProperty("echoAppName", app);
            m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()));
            context.createProducer().send(runs, m);
        } catch (Exception e) {
            return "refused: " + e;
        }
        return "sent";
    }
}
