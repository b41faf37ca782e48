package dev.echo.it;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What MessagingClusterIT needs beyond the public REST API, deployed only with it: messages put
 * straight on the action queue and the run-state topic as any other code on the server could
 * (unsigned, signed with a key of its own, or — for the poison case — signed with the servers'
 * key as docs/actions-messaging.md describes the signature, computed here independently of
 * Echo's code), the run ids in the engine's exception destination, and a gate that holds
 * {@code cluster.held} actions on this server.
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

    @Resource(lookup = "jms/echo/runs")
    Topic runs;

    /** Sends a message that is no action, as alice's run {@code id}, signed with the servers' key (a server of another version). */
    @POST
    @Path("poison/{id}")
    public String poison(@PathParam("id") String id) throws Exception {
        try (JMSContext context = serversContext()) {
            TextMessage m = context.createTextMessage("{\"this is\": \"not an action\"");
            aliceProps(m, id);
            sign(m, Base64.getDecoder().decode(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getValue("echo.actions.jms.signing-key", String.class)));
            context.createProducer().send(actions, m);
        }
        return id;
    }

    /**
     * Sends a well-formed {@code cluster.work} action as alice's run {@code id}, the way an
     * intruder would: {@code signature=none} unsigned, {@code stranger} signed with a key of its own.
     */
    @POST
    @Path("forge/{id}")
    public String forge(@PathParam("id") String id, @QueryParam("signature") String signature) throws Exception {
        try (JMSContext context = serversContext()) {
            TextMessage m = context.createTextMessage("{\"name\":\"cluster.work\",\"content\":{\"ms\":0}}");
            aliceProps(m, id);
            if ("stranger".equals(signature)) {
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                sign(m, key);
            }
            context.createProducer().send(actions, m);
        }
        return id;
    }

    /** Publishes unsigned news on the run-state topic: {@code body} as given, named for this application. */
    @POST
    @Path("forge-news")
    public String forgeNews(String body) throws Exception {
        try (JMSContext context = serversContext()) {
            TextMessage m = context.createTextMessage(body);
            m.setStringProperty("echoAppName", "cluster");
            m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()));
            context.createProducer().send(runs, m);
        }
        return "sent";
    }

    /**
     * A context logged in as the servers' messaging user: any application on the server can read
     * that login through MicroProfile Config, as this one does (the engine's wall keeps out the
     * rest; the signature is what stops an application holding it).
     */
    private JMSContext serversContext() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return factory.createContext(config.getValue("echo.actions.jms.user", String.class),
                config.getValue("echo.actions.jms.password", String.class));
    }

    /**
     * Tries to put a {@code cluster.work} action on the queue logged in as {@code user} with
     * {@code password} ({@code none}: no login at all; {@code servers-user}: the servers' user
     * name): "sent", or "refused: " and what the engine said.
     */
    @POST
    @Path("send-as")
    @Produces(MediaType.TEXT_PLAIN)
    public String sendAs(@QueryParam("user") String user, @QueryParam("password") String password) {
        String name = "servers-user".equals(user)
                ? org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("echo.actions.jms.user", String.class) : user;
        try (JMSContext context = "none".equals(user) ? factory.createContext() : factory.createContext(name, password)) {
            TextMessage m = context.createTextMessage("{\"name\":\"cluster.work\",\"content\":{\"ms\":0}}");
            aliceProps(m, "run-sent-as-" + user);
            context.createProducer().send(actions, m);
            return "sent";
        } catch (Exception e) {
            return "refused: " + e;
        }
    }

    private static void aliceProps(Message m, String id) throws Exception {
        m.setStringProperty("echoRunId", id);
        m.setStringProperty("echoPrincipal", "alice");
        m.setStringProperty("echoApplication", "false");
        m.setStringProperty("echoPriority", "NORMAL");
        m.setStringProperty("echoAppName", "cluster");
        m.setStringProperty("echoSentAt", Long.toString(System.currentTimeMillis()));
    }

    /** The documented signature: HMAC-SHA256 of "echo-signed-v1\n", each echo* property "len:name=len:value\n" by name, "len:body". */
    private static void sign(TextMessage m, byte[] key) throws Exception {
        Map<String, String> props = new TreeMap<>();
        for (Object n : Collections.list(m.getPropertyNames())) {
            String name = (String) n;
            if (name.startsWith("echo") && !name.equals("echoSignature")) {
                props.put(name, m.getStringProperty(name));
            }
        }
        StringBuilder b = new StringBuilder("echo-signed-v1\n");
        props.forEach((k, v) -> b.append(k.length()).append(':').append(k).append('=').append(v.length()).append(':').append(v).append('\n'));
        String body = m.getText();
        b.append(body.length()).append(':').append(body);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        m.setStringProperty("echoSignature", Base64.getEncoder().encodeToString(mac.doFinal(b.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /** The run ids of the messages in the exception destination. */
    @GET
    @Path("dead")
    @Produces(MediaType.TEXT_PLAIN)
    public String dead() throws Exception {
        List<String> ids = new ArrayList<>();
        try (JMSContext context = serversContext(); QueueBrowser browser = context.createBrowser(dead)) {
            for (Object m : Collections.list(browser.getEnumeration())) {
                ids.add(((Message) m).getStringProperty("echoRunId"));
            }
        }
        return String.join(",", ids);
    }

    /** Closes this server's gate: {@code cluster.held} actions wait at it. */
    @POST
    @Path("gate/close")
    public String closeGate() {
        ClusterActions.closeGate();
        return "closed";
    }

    /** Opens it: every held action goes on. */
    @POST
    @Path("gate/open")
    public String openGate() {
        ClusterActions.openGate();
        return "open";
    }

    /** How many actions wait at the gate now. */
    @GET
    @Path("gate")
    @Produces(MediaType.TEXT_PLAIN)
    public String held() {
        return String.valueOf(ClusterActions.held());
    }
}
