package dev.echo.cdi.action.jms;

import dev.echo.cdi.action.RunBook;
import dev.echo.cdi.action.ActionJson;

import dev.echo.action.Action;
import dev.echo.action.ActionQueue;
import dev.echo.task.Priority;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An {@link ActionQueue} on a Jakarta Messaging queue: every accepted action is one persistent
 * message, so it survives the server that accepted it and is taken by whichever server's consumer
 * asks first. Standard API only; any provider works (Liberty's embedded engine is the tested one).
 *
 * <ul>
 *   <li>Body: the action's JSON ({@link ActionJson}, which has no id: the id is the
 *       {@value #RUN_ID} property), its delay set to zero — the delay is the
 *       message's delivery delay, so a delayed action holds no thread and no memory anywhere.</li>
 *   <li>Properties, all strings: {@value #PRINCIPAL}, {@value #APPLICATION}, {@value #KEY},
 *       {@value #PRIORITY}, {@value #RUN_ID}, {@value #APP_NAME} (the application the action belongs
 *       to), {@value #SENT_AT}, and {@value MessageSigner#SIGNATURE}: an HMAC over the body and every
 *       other {@code echo*} property ({@link MessageSigner}). JMS priority: HIGH 8, NORMAL 4, LOW 1.</li>
 *   <li>Consumers select {@code echoAppName = '<this application>' OR echoAppName IS NULL}: another
 *       application's messages are never delivered here; a message naming no application is nobody's,
 *       and is taken off the queue as rejected (see {@link JmsActions}).</li>
 *   <li>Settlement: each consuming thread has a transacted session of its own; a delivery is
 *       {@linkplain Delivery#ack() committed} (with the run's final states on the run-state topic
 *       in the same transaction: {@link JmsDelivery#commitWith}) or {@linkplain Delivery#nack()
 *       rolled back} on that thread. A server that dies holding one leaves it uncommitted: the
 *       engine delivers it again, elsewhere, with a higher delivery count; after the queue's maxRedeliveryCount the engine
 *       moves it to its exception destination.</li>
 * </ul>
 *
 * <p>Idempotency keys are the caller's own and known across servers only through the run-state
 * topic, so {@link EchoActions} checks them (against its board) before it offers; this queue
 * sends every action it is given ({@link Receipt#duplicate()} is always {@code false}).
 *
 * <p>Invariants: a consuming thread's session (its {@code Slot}) is used only by that thread, and
 * holds at most one unsettled delivery ({@link #poll} refuses while one is open), so one commit
 * settles exactly one message. Once the server started, accepted actions go through the
 * {@link ActionSender} (concurrent ones in one transaction); before, after, and for a caller in a
 * JTA transaction a send uses a context of its own (the factory pools the connections), so any
 * thread may offer. {@code sender} is volatile and written after {@code inTransaction}, which it
 * publishes.
 */
final class JmsActionQueue implements ActionQueue {

    private static final Logger LOG = Logger.getLogger(JmsActionQueue.class.getName());

    static final String PRINCIPAL = "echoPrincipal";
    static final String APPLICATION = "echoApplication";
    static final String KEY = "echoKey";
    static final String PRIORITY = "echoPriority";
    static final String RUN_ID = "echoRunId";
    /** The application the message belongs to: consumers select on it. */
    static final String APP_NAME = "echoAppName";
    /** When the sender signed it (epoch milliseconds): run states older than their news lifetime are refused. */
    static final String SENT_AT = "echoSentAt";
    /** On a bundle (several accepted actions in one message, {@link ActionSender}): how many it holds. */
    static final String BUNDLE = "echoBundle";
    /**
     * On a run a consumer gave back by sending it again (from a bundle, at a graceful stop): the
     * deliveries it had, added to the engine's count of the new message.
     */
    static final String DELIVERED = "echoDelivered";
    /** Largest action (JSON characters) that goes into a bundle; larger ones go alone. */
    static final int BUNDLE_ITEM_MAX_CHARS = 64 * 1024;
    /**
     * The sending JVM's random id, on topic messages that carry only run states: its own subscriber
     * skips them before verifying or reading them, since it applied them before it sent them
     * (issue 32: in one server, the subscriber verified and parsed every state it had published).
     * Never on pings, syncs or cancels: a server hears its own pings (that is how it knows the
     * topic caught up). A forged message naming our origin is only skipped by us: it would have
     * been refused.
     */
    static final String ORIGIN = "echoOrigin";
    /** Run states are news, not records: stale after a minute (the topic's subscribers are not durable). */
    static final long NEWS_TIME_TO_LIVE_MILLIS = 60_000;

    private final ConnectionFactory factory;
    private final dev.echo.cdi.config.MessagingLogin login;
    private final Queue queue;
    private final MessageSigner signer;
    private final String application;
    private final ThreadLocal<Slot> slots = new ThreadLocal<>();
    /** Sends accepted actions together once its thread runs ({@link #sendThrough}); volatile: set once at start. */
    private volatile ActionSender sender;
    /** Whether the calling thread is inside a JTA transaction (its sends must join it); written before {@code sender}. */
    private java.util.function.BooleanSupplier inTransaction = () -> false;

    /** One consuming thread's transacted session and its one open delivery. */
    private static final class Slot {
        final JMSContext context;
        final JMSConsumer consumer;
        JmsDelivery open; // confined to the owning thread
        JMSProducer newsProducer; // made on first use, confined to the owning thread

        Slot(JMSContext context, JMSConsumer consumer) {
            this.context = context;
            this.consumer = consumer;
        }
    }

    JmsActionQueue(ConnectionFactory factory, Queue queue, MessageSigner signer, String application) {
        this(factory, dev.echo.cdi.config.MessagingLogin.NONE, queue, signer, application);
    }

    JmsActionQueue(ConnectionFactory factory, dev.echo.cdi.config.MessagingLogin login, Queue queue, MessageSigner signer,
                   String application) {
        this.factory = factory;
        this.login = login;
        this.queue = queue;
        this.signer = signer;
        this.application = application;
    }

    /**
     * A new context of {@code mode}, authenticated as {@code echo.actions.jms.user} when one is set
     * (an engine with messaging security), else as the provider's default.
     */
    JMSContext open(int mode) {
        return login.present() ? factory.createContext(login.user(), login.password(), mode) : factory.createContext(mode);
    }

    /**
     * A new connection (classic API, for {@link ActionSender}), authenticated as
     * {@code echo.actions.jms.user} when one is set, else as the provider's default.
     */
    jakarta.jms.Connection connect() throws jakarta.jms.JMSException {
        return login.present() ? factory.createConnection(login.user(), login.password()) : factory.createConnection();
    }

    /** What this application's consumers of the queue select: its own messages and those that name none. */
    static String queueSelector(String application) {
        return APP_NAME + " = " + literal(application) + " OR " + APP_NAME + " IS NULL";
    }

    /**
     * What this application's subscribers of the topic select: its own news only. (One equality:
     * the engine matches it cheaply. A clause leaving out this JVM's own states, {@code echoOrigin
     * <> '...'}, cost the engine's matching 16 % of a durable action's CPU samples, more than the
     * subscriber saved: the subscriber skips them itself, by {@link #ORIGIN}, unread.)
     */
    static String topicSelector(String application) {
        return APP_NAME + " = " + literal(application);
    }

    /** A selector's string literal: quotes doubled (SQL-92, as JMS selectors are). */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * {@code json} as a signed text message of this application for the run-state topic, made by
     * {@code context} (the context that will send it); {@code origin} (this JVM's, or {@code null})
     * when it carries run states only.
     */
    TextMessage news(JMSContext context, String json, String origin) {
        try {
            TextMessage m = context.createTextMessage(json);
            m.setStringProperty(APP_NAME, application);
            if (origin != null) {
                m.setStringProperty(ORIGIN, origin);
            }
            m.setStringProperty(SENT_AT, Long.toString(System.currentTimeMillis()));
            signer.sign(m);
            return m;
        } catch (JMSException e) {
            throw new JMSRuntimeException("could not build a run-state message: " + e.getMessage(), e.getErrorCode(), e);
        }
    }

    String application() {
        return application;
    }

    MessageSigner signer() {
        return signer;
    }

    static int jmsPriority(Priority p) {
        return switch (p) {
            case HIGH -> 8;
            case NORMAL -> 4;
            case LOW -> 1;
        };
    }

    @Override
    public Receipt offer(Action action) {
        return offer(action, RunBook.Owner.APPLICATION);
    }

    /**
     * Sends {@code action} for {@code owner} as one persistent message; returns when the provider
     * has it. A provider that refuses for lack of room ({@code ResourceAllocationException}, e.g.
     * the engine's high message threshold) is a {@link QueueFullException}: nothing was accepted.
     */
    Receipt offer(Action action, RunBook.Owner owner) {
        Action undelayed = new Action(action.id(), action.name(), action.content(), action.priority(),
                new Action.Metadata(Duration.ZERO, action.metadata().before(), action.metadata().after(),
                        action.metadata().next(), action.metadata().retry(), action.metadata().timeout(),
                        action.metadata().requiredRole(), action.metadata().idempotencyKey()));
        ActionSender.Outgoing message = outgoing(action.id(), owner, action.metadata().idempotencyKey(), action.priority(),
                ActionJson.write(undelayed), action.metadata().delay().toMillis(), 0);
        try {
            ActionSender batching = sender;
            if (batching == null || inTransaction.getAsBoolean() || !batching.send(message)) {
                sendAlone(message);
            }
            return new Receipt(action.id(), false);
        } catch (jakarta.jms.ResourceAllocationRuntimeException e) {
            // the provider's words (class names, destination names) are for the log, not for the caller
            throw new QueueFullException("the action queue is full (the messaging engine's maxMessageDepth); action "
                    + action.id() + " was not accepted", e);
        } catch (JMSRuntimeException e) {
            throw new QueueUnavailableException("the action queue could not take action " + action.id()
                    + " now; nothing was accepted", e);
        }
    }

    /**
     * One action's message, signed: its body the action's JSON (without its delay, which is the
     * message's delivery delay), {@code delivered} the deliveries it had before (see
     * {@link #DELIVERED}; 0: none).
     */
    ActionSender.Outgoing outgoing(String runId, RunBook.Owner owner, String key, Priority priority, String body,
                                   long delayMillis, int delivered) {
        java.util.SortedMap<String, String> props = new java.util.TreeMap<>();
        props.put(PRINCIPAL, owner.name());
        props.put(APPLICATION, Boolean.toString(owner.application()));
        if (key != null) {
            props.put(KEY, key);
        }
        props.put(PRIORITY, priority.name());
        props.put(RUN_ID, runId);
        props.put(APP_NAME, application);
        props.put(SENT_AT, Long.toString(System.currentTimeMillis()));
        if (delivered > 0) {
            props.put(DELIVERED, Integer.toString(delivered));
        }
        props.put(MessageSigner.SIGNATURE, signer.signatureOf(body, props)); // last: it covers everything above
        return new ActionSender.Outgoing(runId, body, props, jmsPriority(priority), delayMillis);
    }

    /** A run of a bundle as a message of its own, with the deliveries it had ({@code delivered}). */
    ActionSender.Outgoing single(BundledRun run, int delivered) {
        return outgoing(run.runId(), run.owner(), run.key(), run.priority(), run.actionJson(), 0, delivered);
    }

    /** Whether {@code message} may go into a bundle: due now, and small. */
    static boolean bundles(ActionSender.Outgoing message) {
        return message.delayMillis() == 0 && message.body().length() <= BUNDLE_ITEM_MAX_CHARS;
    }

    /**
     * Several accepted actions of one JMS priority as one signed message (a bundle): its body
     * {@code {"type":"bundle","runs":[{"id","principal","application","key","priority","action"}]}}
     * ({@code action} the action's JSON as a string), its {@value #RUN_ID} the first run's id, its
     * {@value #BUNDLE} how many it holds. A consumer runs them all and settles the message once.
     */
    ActionSender.Outgoing bundle(List<ActionSender.Outgoing> members) {
        jakarta.json.JsonArrayBuilder runs = ActionJson.provider().createArrayBuilder();
        for (ActionSender.Outgoing m : members) {
            Map<String, String> p = m.properties();
            jakarta.json.JsonObjectBuilder run = ActionJson.provider().createObjectBuilder().add("id", m.runId())
                    .add("principal", p.get(PRINCIPAL)).add("application", Boolean.parseBoolean(p.get(APPLICATION)))
                    .add("priority", p.get(PRIORITY)).add("action", m.body());
            if (p.get(KEY) != null) {
                run.add("key", p.get(KEY));
            }
            runs.add(run);
        }
        String body = ActionJson.provider().createObjectBuilder().add("type", "bundle").add("runs", runs).build().toString();
        ActionSender.Outgoing first = members.get(0);
        java.util.SortedMap<String, String> props = new java.util.TreeMap<>();
        props.put(RUN_ID, first.runId());
        props.put(PRIORITY, first.properties().get(PRIORITY));
        props.put(APP_NAME, application);
        props.put(SENT_AT, Long.toString(System.currentTimeMillis()));
        props.put(BUNDLE, Integer.toString(members.size()));
        props.put(MessageSigner.SIGNATURE, signer.signatureOf(body, props));
        return new ActionSender.Outgoing(first.runId(), body, props, first.priority(), 0);
    }

    /**
     * One run of a bundle as its message recorded it: the run's id, submitter, idempotency key,
     * priority and the action's JSON.
     */
    record BundledRun(String runId, RunBook.Owner owner, String key, Priority priority, String actionJson) {
        /** The action (its id the run's); an {@link IllegalArgumentException} naming the problem if it is not one. */
        Action action() {
            Action read = ActionJson.read(actionJson); // the JSON format carries no id
            return new Action(runId, read.name(), read.content(), read.priority(), read.metadata());
        }
    }

    /**
     * Sends {@code message} in a context of its own: before the sender starts, after it ended, and
     * for a caller inside a JTA transaction (the send then joins it, as any JMS send in one does:
     * the action is accepted if and when the caller's transaction commits).
     */
    private void sendAlone(ActionSender.Outgoing message) {
        try (JMSContext context = open(JMSContext.AUTO_ACKNOWLEDGE)) {
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).setPriority(message.priority())
                    .setDeliveryDelay(message.delayMillis()).send(queue, message.toMessage(context));
        }
    }

    /**
     * From now on accepted actions go through {@code sender} (its thread runs), except those of a
     * caller for whom {@code inTransaction} is true.
     */
    void sendThrough(ActionSender sender, java.util.function.BooleanSupplier inTransaction) {
        this.inTransaction = inTransaction;
        this.sender = sender;
    }

    /**
     * The next message for the calling thread's session, waiting up to {@code timeout}. The
     * delivery must be settled on this thread before the next poll.
     *
     * @throws IllegalStateException if the thread's previous delivery is still open
     * @throws JMSRuntimeException   if the provider failed (the session is closed: the next poll opens a new one)
     */
    @Override
    public Optional<Delivery> poll(Duration timeout) {
        Slot slot = slots.get();
        if (slot != null && slot.open != null) {
            throw new IllegalStateException("settle the previous delivery (" + slot.open.runId + ") before polling again");
        }
        if (slot == null) {
            JMSContext context = open(JMSContext.SESSION_TRANSACTED);
            try {
                slot = new Slot(context, context.createConsumer(queue, queueSelector(application)));
            } catch (RuntimeException e) {
                context.close();
                throw e;
            }
            slots.set(slot);
        }
        Message m;
        try {
            m = timeout.isZero() ? slot.consumer.receiveNoWait() : slot.consumer.receive(Math.max(1, timeout.toMillis()));
        } catch (RuntimeException e) {
            closeSlot();
            throw e;
        }
        if (m == null) {
            return Optional.empty();
        }
        JmsDelivery d = new JmsDelivery(slot, m);
        slot.open = d;
        return Optional.of(d);
    }

    /** Closes the calling thread's session; an open delivery is rolled back by the close (delivered again). */
    void closeSlot() {
        Slot slot = slots.get();
        slots.remove();
        if (slot != null) {
            try {
                // end the session's local transaction ourselves: a container that enlisted it (Liberty's
                // local transaction containment on a managed thread) otherwise rolls it back when the
                // thread ends, with a WLTC0033W warning per consumer on every graceful stop
                slot.context.rollback();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "rolling back an action consumer's session failed", e);
            }
            try {
                slot.context.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing an action consumer's session failed", e);
            }
        }
    }

    /**
     * Messages waiting in the queue and visible now (a browser's count; delayed messages not yet
     * due are not visible), counted up to {@code limit}.
     */
    int depth(int limit) {
        try (JMSContext context = open(JMSContext.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = context.createBrowser(queue)) {
            Enumeration<?> e = browser.getEnumeration();
            int n = 0;
            while (n < limit && e.hasMoreElements()) {
                e.nextElement();
                n++;
            }
            return n;
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
    }

    /** Waiting messages (see {@link #depth}); unacknowledged in-flight ones are not counted by a browser. */
    @Override
    public int size() {
        return depth(Integer.MAX_VALUE);
    }

    /** One delivered message: the action and what the sender recorded with it. */
    final class JmsDelivery implements Delivery {
        private final Slot slot;
        private final Message message;
        final String runId;
        private Action action; // decoded lazily, on the owning thread
        private MessageSigner.Verdict verdict; // computed lazily, on the owning thread
        private RuntimeException undecodable;

        JmsDelivery(Slot slot, Message message) {
            this.slot = slot;
            this.message = message;
            this.runId = property(RUN_ID);
        }

        private String property(String name) {
            try {
                return message.getStringProperty(name);
            } catch (JMSException e) {
                return null;
            }
        }

        /** The action; an {@link IllegalArgumentException} naming the problem if the body is not one. */
        @Override
        public Action action() {
            if (action == null && undecodable == null) {
                try {
                    if (!(message instanceof TextMessage text) || text.getText() == null) {
                        throw new IllegalArgumentException("message " + message.getJMSMessageID() + " is not a text message");
                    }
                    if (runId == null || runId.isBlank()) {
                        throw new IllegalArgumentException("message " + message.getJMSMessageID() + " has no " + RUN_ID);
                    }
                    Action read = ActionJson.read(text.getText()); // the JSON format carries no id: the property does
                    action = new Action(runId, read.name(), read.content(), read.priority(), read.metadata());
                } catch (JMSException e) {
                    undecodable = new IllegalArgumentException("message body unreadable: " + e.getMessage(), e);
                } catch (IllegalArgumentException e) {
                    undecodable = e;
                }
            }
            if (undecodable != null) {
                throw undecodable;
            }
            return action;
        }

        /** Characters of the body (the action's JSON), 0 if it has none: what the run weighs kept. */
        int bodyChars() {
            try {
                return message instanceof TextMessage text && text.getText() != null ? text.getText().length() : 0;
            } catch (JMSException e) {
                return 0;
            }
        }

        /** The submitter recorded at acceptance. */
        RunBook.Owner owner() {
            if ("true".equals(property(APPLICATION))) {
                return RunBook.Owner.APPLICATION;
            }
            return RunBook.Owner.caller(property(PRINCIPAL));
        }

        String key() {
            return property(KEY);
        }

        /** The application the sender named, or {@code null}. */
        String applicationName() {
            return property(APP_NAME);
        }

        /** Whether the message is signed by a server of ours (computed once, on the polling thread). */
        MessageSigner.Verdict verdict() {
            if (verdict == null) {
                verdict = signer.verify(message);
            }
            return verdict;
        }

        /** The provider's id of the message, for logs (never the body). */
        String messageId() {
            try {
                return message.getJMSMessageID();
            } catch (JMSException e) {
                return "?";
            }
        }

        /** Whether the provider counts deliveries (JMSXDeliveryCount), so that 1 means "never delivered before". */
        boolean countsDeliveries() {
            try {
                return message.propertyExists("JMSXDeliveryCount");
            } catch (JMSException e) {
                return false;
            }
        }

        /**
         * JMSXDeliveryCount (1 for the first delivery; providers that lack it: 2 if redelivered,
         * else 1), plus the deliveries a run given back by a consumer had before ({@value #DELIVERED},
         * signed: read only of a message whose signature verified).
         */
        @Override
        public int deliveryCount() {
            int engine;
            try {
                if (message.propertyExists("JMSXDeliveryCount")) {
                    engine = Math.max(1, message.getIntProperty("JMSXDeliveryCount"));
                } else {
                    engine = message.getJMSRedelivered() ? 2 : 1;
                }
            } catch (JMSException | NumberFormatException e) {
                engine = 1;
            }
            String before = property(DELIVERED);
            if (before == null) {
                return engine;
            }
            try {
                return engine + Math.max(0, Math.min(1_000, Integer.parseInt(before)));
            } catch (NumberFormatException e) {
                return engine;
            }
        }

        /** How many runs this message says it holds: a bundle's {@value #BUNDLE} (1-256), else 1. */
        int declaredRuns() {
            String n = property(BUNDLE);
            if (n == null) {
                return 1;
            }
            try {
                return Math.max(1, Math.min(256, Integer.parseInt(n)));
            } catch (NumberFormatException e) {
                return 1;
            }
        }

        /** Whether this message is a bundle of several runs. */
        boolean bundled() {
            return property(BUNDLE) != null;
        }

        private List<BundledRun> parsedBundle; // parsed once, on the owning thread

        /**
         * The runs of a bundle, in the order they were accepted; an {@link IllegalArgumentException}
         * naming the problem if the body is not a bundle. Read only of a message whose signature verified.
         */
        List<BundledRun> bundle() {
            if (parsedBundle == null) {
                try {
                    if (!(message instanceof TextMessage text) || text.getText() == null) {
                        throw new IllegalArgumentException("message " + message.getJMSMessageID() + " is not a text message");
                    }
                    jakarta.json.JsonObject o;
                    try (jakarta.json.JsonReader r = ActionJson.provider().createReader(new java.io.StringReader(text.getText()))) {
                        o = r.readObject();
                    }
                    List<BundledRun> runs = new java.util.ArrayList<>();
                    for (jakarta.json.JsonValue v : o.getJsonArray("runs")) {
                        jakarta.json.JsonObject run = v.asJsonObject();
                        String id = run.getString("id");
                        if (!ActionJson.isToken(id)) {
                            throw new IllegalArgumentException("a bundle names a run id Echo never makes");
                        }
                        RunBook.Owner owner = run.getBoolean("application", false) ? RunBook.Owner.APPLICATION
                                : RunBook.Owner.caller(run.getString("principal"));
                        runs.add(new BundledRun(id, owner, run.getString("key", null), Priority.valueOf(run.getString("priority")),
                                run.getString("action")));
                    }
                    if (runs.isEmpty()) {
                        throw new IllegalArgumentException("an empty bundle");
                    }
                    parsedBundle = List.copyOf(runs);
                } catch (JMSException | RuntimeException e) {
                    throw e instanceof IllegalArgumentException iae ? iae
                            : new IllegalArgumentException("message body is not a bundle: " + e.getMessage(), e);
                }
            }
            return parsedBundle;
        }

        /** The ids of the runs this message holds: its one run, or every run of a bundle (none if unreadable). */
        List<String> runIds() {
            if (bundled()) {
                try {
                    return bundle().stream().map(BundledRun::runId).toList();
                } catch (IllegalArgumentException e) {
                    return runId == null ? List.of() : List.of(runId);
                }
            }
            return runId == null ? List.of() : List.of(runId);
        }

        @Override
        public void ack() {
            commitWith(null, List.of(), null, List.of());
        }

        /**
         * Commits this delivery together with {@code news} sent to {@code topic}, in one transaction
         * of the session that received it: the engine takes the message off the queue and
         * publishes the news at once, or neither (the message comes again). The news are
         * persistent, so that the engine keeps them as it keeps the commit.
         */
        void commitWith(Topic topic, List<String> news, String origin) {
            commitWith(topic, news, origin, List.of());
        }

        /**
         * As {@link #commitWith(Topic, List, String)}, and {@code handBack} sent to the queue in the
         * same transaction: runs of a bundle that go on as messages of their own.
         */
        void commitWith(Topic topic, List<String> news, String origin, List<ActionSender.Outgoing> handBack) {
            settle(() -> {
                if (!handBack.isEmpty()) {
                    JMSProducer again = slot.context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (ActionSender.Outgoing o : handBack) {
                        again.setPriority(o.priority()).send(queue, o.toMessage(slot.context));
                    }
                }
                if (!news.isEmpty()) {
                    if (slot.newsProducer == null) {
                        // one per session: the engine makes a producer session for each (issue 32)
                        slot.newsProducer = slot.context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                                .setTimeToLive(NEWS_TIME_TO_LIVE_MILLIS);
                    }
                    news.forEach(n -> slot.newsProducer.send(topic, news(slot.context, n, origin)));
                }
                slot.context.commit();
            });
        }

        @Override
        public void nack() {
            settle(slot.context::rollback);
        }

        /** Ends this delivery's transaction with {@code end} (a commit or a rollback), once, on the polling thread. */
        private void settle(Runnable end) {
            if (slots.get() != slot || slot.open != this) {
                throw new IllegalStateException("delivery of " + runId + " must be settled once, on the thread that polled it");
            }
            slot.open = null;
            try {
                end.run();
            } catch (RuntimeException e) {
                // the session is unusable; closing it rolls back whatever is open: the message comes again
                closeSlot();
                throw e;
            }
        }
    }
}
