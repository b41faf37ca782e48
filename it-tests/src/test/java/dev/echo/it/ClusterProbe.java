package dev.echo.it;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What MessagingClusterIT needs beyond the public REST API, deployed only with it: a corrupt
 * message put straight on the action queue (what a buggy or foreign sender would leave there) and
 * the run ids in the engine's exception destination.
 */
@Path("probe")
@RequestScoped
public class ClusterProbe {

    @Resource(lookup = "jms/echo/cf")
    ConnectionFactory factory;

    @Resource(lookup = "jms/echo/actions")
    Queue actions;

    @Resource(lookup = "jms/echo/dead")
    Queue dead;

    /** Sends a message that is no action, recorded as alice's run {@code id}. */
    @POST
    @Path("poison/{id}")
    public String poison(@PathParam("id") String id) throws Exception {
        try (JMSContext context = factory.createContext()) {
            Message m = context.createTextMessage("{\"this is\": \"not an action\"");
            m.setStringProperty("echoRunId", id);
            m.setStringProperty("echoPrincipal", "alice");
            m.setBooleanProperty("echoApplication", false);
            context.createProducer().send(actions, m);
        }
        return id;
    }

    /** The run ids of the messages in the exception destination. */
    @GET
    @Path("dead")
    @Produces(MediaType.TEXT_PLAIN)
    public String dead() throws Exception {
        List<String> ids = new ArrayList<>();
        try (JMSContext context = factory.createContext(); QueueBrowser browser = context.createBrowser(dead)) {
            for (Object m : Collections.list(browser.getEnumeration())) {
                ids.add(((Message) m).getStringProperty("echoRunId"));
            }
        }
        return String.join(",", ids);
    }
}
