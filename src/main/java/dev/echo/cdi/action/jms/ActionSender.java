package dev.echo.cdi.action.jms;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends the messages of accepted actions for the threads that accept them: messages that wait
 * together go in one transaction of one long-lived session, so that up to {@value #MAX_BATCH}
 * accepted actions cost one commit (one write of the engine's log) and no session is made and
 * closed per action (issue 32: a context per send and its own commit were a third of the accept
 * path). An accepting thread returns when the commit that holds its message has returned: an
 * answer of "accepted" still means the provider has it.
 *
 * <p>With a {@link Bundler}, messages of one batch that may go together (due now, small, of one
 * JMS priority) go as bundles of up to {@code bundleMax}: one message for several actions. Under
 * load (the last batch held more than one) the thread waits up to {@value #LINGER_MICROS} µs for
 * more before it sends.
 *
 * <p>A batch whose sending fails before its commit is rolled back and each of its messages is
 * sent again in a transaction of its own, so that a message the engine refuses (its queue is full)
 * fails only its own caller. A failing commit fails every caller of its batch and is not tried
 * again: its outcome is unknown, as a failed single send's was (a second copy of a run that did
 * get through is dropped by the consumer as a replay).
 *
 * <p>It sends with the classic API: a transacted {@link Session} and a {@link MessageProducer}
 * bound to the queue, both kept. The simplified API's {@code JMSProducer} has no destination of
 * its own, and Liberty's messaging client sends each of its messages over the connection with a
 * producer made and dropped on the engine for it (3.6-8 % of a durable action's CPU samples in issue 32's profiles).
 * Worse, a server that is a remote client of the engine (another server's) lost its connection
 * under concurrent accepts when a transaction began with such a send: the engine answered
 * "CWSIC2059E ... no item in the map with this key" for the transaction, the client closed the
 * connection (CWSIC1010E), and accepts failed with {@code QueueUnavailableException} (25 protocol
 * errors and 34 refused accepts in one run of {@code SPREAD=1 MODES=jms2} of
 * benchmarks/liberty-actions.sh; with the bound producer, none in two runs).
 *
 * <p>Invariants: {@code waiting} holds the messages not yet taken, in arrival order; a message
 * is taken either by the sender thread or, once {@code closed} is set, back by its own caller
 * ({@link LinkedBlockingQueue#remove} decides which, atomically), and its future is completed
 * exactly once, by whoever took it. {@code closed} (volatile) is set once, by the sender thread
 * as it ends, before it takes the last messages left. The connection, the session, the producer
 * and {@code lastBatch} belong to the sender thread.
 */
final class ActionSender {

    private static final Logger LOG = Logger.getLogger(ActionSender.class.getName());
    /** Most messages one transaction carries. */
    static final int MAX_BATCH = 64;
    /** Most body characters one transaction carries (at least one message, whatever its size). */
    static final int MAX_BATCH_CHARS = 1 << 20;
    /** How long the sender waits for more under load before it sends what it has. */
    static final long LINGER_MICROS = 1000;

    /** One message to send: its body, its properties (signed), JMS priority and delivery delay. */
    record Outgoing(String runId, String body, Map<String, String> properties, int priority, long delayMillis,
                    CompletableFuture<Void> sent) {
        Outgoing(String runId, String body, Map<String, String> properties, int priority, long delayMillis) {
            this(runId, body, properties, priority, delayMillis, new CompletableFuture<>());
        }

        /** This message made by {@code session} (the one that sends it). */
        TextMessage toMessage(Session session) throws JMSException {
            return withProperties(session.createTextMessage(body));
        }

        /** This message made by {@code context} (the one that sends it). */
        TextMessage toMessage(JMSContext context) {
            try {
                return withProperties(context.createTextMessage(body));
            } catch (JMSException e) {
                throw new JMSRuntimeException("could not build the message of action " + runId + ": " + e.getMessage(),
                        e.getErrorCode(), e);
            }
        }

        private TextMessage withProperties(TextMessage m) throws JMSException {
            for (Map.Entry<String, String> p : properties.entrySet()) {
                m.setStringProperty(p.getKey(), p.getValue());
            }
            return m;
        }
    }

    /** Makes one message (a bundle) of several that may go together ({@link JmsActionQueue#bundle}). */
    interface Bundler {
        /** Whether {@code message} may go into a bundle. */
        boolean bundles(Outgoing message);

        Outgoing bundle(List<Outgoing> members);
    }

    /** Never bundles: every action is a message of its own. */
    static final Bundler ALONE = new Bundler() {
        @Override
        public boolean bundles(Outgoing message) {
            return false;
        }

        @Override
        public Outgoing bundle(List<Outgoing> members) {
            throw new UnsupportedOperationException("not bundling");
        }
    };

    /** Opens a connection to the engine, logged in as the servers' user. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws JMSException;
    }

    private final Connector connector;
    private final Queue queue;
    private final LinkedBlockingQueue<Outgoing> waiting = new LinkedBlockingQueue<>();
    /** Set by the sender thread when it ends: a caller that finds it set takes its message back. */
    private volatile boolean closed;
    private Connection connection; // sender thread only
    private Session session; // sender thread only: transacted, made by connection
    private MessageProducer producer; // sender thread only: bound to the queue, made by session
    private int lastBatch; // sender thread only

    /** Most actions one message carries (1: none is bundled). */
    private final int bundleMax;
    private final Bundler bundler;

    /** A sender that never bundles; {@code connector} opens its connection. */
    ActionSender(Connector connector, Queue queue) {
        this(connector, queue, 1, ALONE);
    }

    /**
     * {@code connector} opens the sender's connection, logged in as the servers' user; up to
     * {@code bundleMax} actions of one JMS priority that {@code bundler} allows go as one message.
     */
    ActionSender(Connector connector, Queue queue, int bundleMax, Bundler bundler) {
        this.connector = connector;
        this.queue = queue;
        this.bundleMax = bundleMax;
        this.bundler = bundler;
    }

    /**
     * Sends {@code o} with whatever else waits, and returns once its transaction committed; or
     * {@code false} if the sender has ended and {@code o} was not taken (the caller sends it
     * itself). Throws what sending it threw.
     */
    boolean send(Outgoing o) {
        waiting.add(o);
        if (closed && waiting.remove(o)) {
            return false; // the sender ended before it saw o
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    o.sent().get();
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true; // the message is on its way: its outcome is the caller's answer
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new JMSRuntimeException("sending action " + o.runId() + " failed: " + e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Messages waiting for the sender (tests). */
    int waiting() {
        return waiting.size();
    }

    /**
     * The sender thread's loop: takes what waits, sends it as one transaction, until
     * {@code stopping} says so; then closes and sends what was left.
     */
    void run(java.util.function.BooleanSupplier stopping) {
        try {
            while (!stopping.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                Outgoing first;
                try {
                    first = waiting.poll(500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (first != null) {
                    List<Outgoing> batch = take(first);
                    if (lastBatch > 1 && bundleMax > 1 && batch.size() < bundleMax) {
                        try {
                            linger(batch);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt(); // what it holds goes first; the loop then ends
                        }
                    }
                    lastBatch = batch.size();
                    sendBatch(batch);
                }
            }
        } finally {
            closed = true;
            Outgoing left;
            while ((left = waiting.poll()) != null) {
                sendBatch(take(left));
            }
            closeSession();
        }
    }

    /**
     * Under load (the last batch held more than one message) waits up to {@value #LINGER_MICROS} µs
     * for more, until a bundle is full: accepting threads that were answered together come back
     * together, a moment apart, and one message for all of them costs the engine less than several
     * (issue 32). A lone caller never waits: its batch follows one of one.
     */
    private void linger(List<Outgoing> batch) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(LINGER_MICROS);
        int chars = batch.stream().mapToInt(o -> o.body().length()).sum();
        while (batch.size() < Math.min(bundleMax, MAX_BATCH)) {
            long left = until - System.nanoTime();
            Outgoing more = left <= 0 ? null : waiting.poll(left, TimeUnit.NANOSECONDS);
            if (more == null) {
                return;
            }
            batch.add(more);
            chars += more.body().length();
            if (chars >= MAX_BATCH_CHARS) {
                return;
            }
        }
    }

    /** {@code first} and what waits behind it, within the batch's bounds. */
    private List<Outgoing> take(Outgoing first) {
        List<Outgoing> batch = new ArrayList<>();
        batch.add(first);
        int chars = first.body().length();
        Outgoing next;
        while (batch.size() < MAX_BATCH && (next = waiting.peek()) != null && chars + next.body().length() <= MAX_BATCH_CHARS) {
            waiting.poll(); // only this thread polls while it runs: the peeked one is the one taken
            batch.add(next);
            chars += next.body().length();
        }
        return batch;
    }

    /** One message to send and the accepted actions it carries (one, or a bundle's). */
    private record Unit(Outgoing message, List<Outgoing> members) {
    }

    /**
     * The messages of {@code batch}: those the bundler allows, of one JMS priority, together by up
     * to {@code bundleMax} in arrival order; every other one alone.
     */
    private List<Unit> units(List<Outgoing> batch) {
        List<Unit> units = new ArrayList<>();
        Map<Integer, List<Outgoing>> open = new java.util.LinkedHashMap<>();
        for (Outgoing o : batch) {
            if (bundleMax <= 1 || batch.size() == 1 || !bundler.bundles(o)) {
                units.add(new Unit(o, List.of(o)));
                continue;
            }
            List<Outgoing> group = open.computeIfAbsent(o.priority(), p -> new ArrayList<>());
            group.add(o);
            if (group.size() == bundleMax) {
                units.add(unit(group));
                open.remove(o.priority());
            }
        }
        open.values().forEach(group -> units.add(unit(group)));
        return units;
    }

    /**
     * {@code units} in the order one transaction may send them: highest JMS priority first, in
     * arrival order within a priority (a stable sort). Liberty's messaging client sends the
     * messages of a transaction without waiting for an answer and creates the transaction on the
     * engine with the first of them, but it transmits each at the wire priority of its JMS
     * priority, higher first. A message of higher priority than the first could reach a remote
     * engine before it, for a transaction the engine did not know yet: the engine dropped that
     * message (an FFDC, CWSIC2059E, in StaticCATProducer.sendSessMsg) and the commit that followed
     * succeeded without it. An accepted action was lost (issue 32, fourth session: with both
     * servers accepting under load, 2-8 of 2000 per stalled round). Sent in this order, no later
     * message of a transaction outranks an earlier one, and the commit goes at the lowest priority
     * it used (the client's own rule), after all of them. The queue's order does not change: the
     * engine orders by priority, and within one priority this keeps the arrival order.
     */
    private static List<Unit> highestPriorityFirst(List<Unit> units) {
        List<Unit> ordered = new ArrayList<>(units);
        ordered.sort(java.util.Comparator.comparingInt((Unit u) -> u.message().priority()).reversed());
        return ordered;
    }

    private Unit unit(List<Outgoing> group) {
        return group.size() == 1 ? new Unit(group.get(0), List.copyOf(group)) : new Unit(bundler.bundle(group), List.copyOf(group));
    }

    private void sendBatch(List<Outgoing> batch) {
        try {
            ensureSession();
            for (Unit u : highestPriorityFirst(units(batch))) {
                producer.setDeliveryDelay(u.message().delayMillis());
                producer.send(u.message().toMessage(session), DeliveryMode.PERSISTENT, u.message().priority(),
                        Message.DEFAULT_TIME_TO_LIVE);
            }
        } catch (JMSException | RuntimeException e) {
            RuntimeException failure = unchecked(e);
            rollback();
            if (batch.size() == 1) {
                batch.get(0).sent().completeExceptionally(failure);
                closeSessionIfBroken(failure);
                return;
            }
            // one refused message must not refuse the others: each alone, in its own transaction
            for (Outgoing o : batch) {
                sendBatch(List.of(o));
            }
            return;
        }
        try {
            session.commit();
        } catch (JMSException | RuntimeException e) {
            RuntimeException failure = unchecked(e);
            closeSession(); // the session's state is unknown: a new one for the next batch
            batch.forEach(o -> o.sent().completeExceptionally(failure));
            return;
        }
        batch.forEach(o -> o.sent().complete(null));
    }

    /**
     * What the classic API threw, as the simplified API would have thrown it (callers tell a full
     * queue, {@link ResourceAllocationRuntimeException}, from any other failure).
     */
    static RuntimeException unchecked(Exception e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        JMSException j = (JMSException) e;
        return j instanceof ResourceAllocationException
                ? new ResourceAllocationRuntimeException(j.getMessage(), j.getErrorCode(), j)
                : new JMSRuntimeException(j.getMessage(), j.getErrorCode(), j);
    }

    private void ensureSession() throws JMSException {
        if (session == null) {
            Connection c = connector.connect();
            try {
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer p = s.createProducer(queue);
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                connection = c;
                session = s;
                producer = p;
            } catch (JMSException | RuntimeException e) {
                close(c);
                throw e;
            }
        }
    }

    private void rollback() {
        if (session != null) {
            try {
                session.rollback();
            } catch (JMSException | RuntimeException e) {
                closeSession();
            }
        }
    }

    /** A refusal of the message (a full queue) leaves the session usable; any other failure does not. */
    private void closeSessionIfBroken(RuntimeException e) {
        if (!(e instanceof ResourceAllocationRuntimeException)) {
            closeSession();
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.rollback(); // nothing open, but a container's transaction containment wants it ended
            } catch (JMSException | RuntimeException e) {
                LOG.log(Level.FINE, "rolling back the action sender's session failed", e);
            }
        }
        close(connection); // closes the session and the producer with it
        connection = null;
        session = null;
        producer = null;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (JMSException | RuntimeException e) {
                LOG.log(Level.FINE, "closing the action sender's connection failed", e);
            }
        }
    }
}
