package dev.echo.cdi.action.jms;


import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory Jakarta Messaging provider with exactly the behaviour {@link JmsActions} and
 * {@link JmsActionQueue} rely on, so that a unit test can watch what reaches the "engine" and
 * when: one queue, one topic, transacted sessions whose sends (to either) wait for the commit and whose
 * received messages come back (delivery count + 1) on rollback or close. Non-transacted topic
 * sends (the publisher thread's) can be held back, as a publisher that has not sent yet when
 * its server dies. Consumers may select on {@code echoAppName} in the one form Echo uses
 * ({@code echoAppName = 'x'}, optionally {@code OR echoAppName IS NULL}). Any other method throws,
 * naming itself: the test notices new needs.
 *
 * <p>Thread-safety: the queue and topic are concurrent collections; a context's own lists are
 * used only by the thread that uses the context (as JMS requires of a session).
 */
final class FakeJms {

    /** One commit the engine saw: the run ids of the messages it took off the queue and the news it published with them. */
    record Commit(List<String> taken, List<String> news, List<String> queued) {
        Commit(List<String> taken, List<String> news) {
            this(taken, news, List.of());
        }
    }

    private volatile CountDownLatch commitGate = new CountDownLatch(0);
    /** Queue sends of the run ids it accepts are refused as by a full queue. */
    volatile java.util.function.Predicate<String> refusesRun = id -> false;

    /** Commits that carry queue sends wait until {@link #releaseCommits()}. */
    void holdCommits() {
        commitGate = new CountDownLatch(1);
    }

    /** Released when a non-transacted topic send starts waiting at the gate of {@link #holdPublisher()}. */
    final java.util.concurrent.Semaphore publishersHeld = new java.util.concurrent.Semaphore(0);

    /** Counted down when a commit starts waiting at the gate of {@link #holdCommits()}. */
    final java.util.concurrent.Semaphore commitsHeld = new java.util.concurrent.Semaphore(0);

    void releaseCommits() {
        commitGate.countDown();
    }

    /** A message held by the fake engine. */
    static final class Stored {
        final String text;
        final Map<String, Object> properties = new HashMap<>();
        int deliveryCount = 1;

        Stored(String text) {
            this.text = text;
        }
    }

    final Queue queue = named(Queue.class, "getQueueName", "actions");
    final Topic topic = named(Topic.class, "getTopicName", "runs");
    final ConnectionFactory factory = proxy(ConnectionFactory.class, (p, m, args) -> switch (m.getName()) {
        case "createContext" -> {
            // (), (mode), (user, password), (user, password, mode)
            this.users.add(args != null && args.length >= 2 ? args[0] + "/" + args[1] : "");
            yield context(args != null && (args.length == 1 || args.length == 3) ? (Integer) args[args.length - 1]
                    : JMSContext.AUTO_ACKNOWLEDGE);
        }
        case "createConnection" -> {
            // (), (user, password): the classic API (ActionSender)
            this.users.add(args != null && args.length == 2 ? args[0] + "/" + args[1] : "");
            yield connection();
        }
        default -> unsupported(m.getName());
    });

    private final LinkedBlockingDeque<Stored> ready = new LinkedBlockingDeque<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    private record Subscriber(String selector, BlockingQueue<Stored> inbox) {
    }
    /** The user/password each context was created with ("" for none), in order. */
    final List<String> users = new CopyOnWriteArrayList<>();
    /** Every commit, in order. */
    final BlockingQueue<Commit> commits = new LinkedBlockingQueue<>();
    /** What non-transacted senders published on the topic, in order. */
    final List<String> publishedDirectly = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch publisherGate = new CountDownLatch(0);

    /** Non-transacted topic sends wait until {@link #releasePublisher()}. */
    void holdPublisher() {
        publisherGate = new CountDownLatch(1);
    }

    void releasePublisher() {
        publisherGate.countDown();
    }

    int waiting() {
        return ready.size();
    }

    /** The properties of the messages waiting on the queue, in order. */
    List<Map<String, Object>> allWaitingProperties() {
        synchronized (ready) {
            return ready.stream().map(m -> Map.copyOf(m.properties)).toList();
        }
    }

    /** Puts a message on the queue as any sender on the server could: {@code properties} as given, nothing signed. */
    void sendRaw(String text, Map<String, String> properties) {
        Stored s = new Stored(text);
        s.properties.putAll(properties);
        enqueue(s, false);
    }

    /** Publishes a message on the topic as any sender on the server could. */
    void publishRaw(String text, Map<String, String> properties) {
        Stored s = new Stored(text);
        s.properties.putAll(properties);
        deliverToSubscribers(s);
    }

    /** From now on a subscriber's receive blocks until its context is closed (then fails), once per subscriber. */
    volatile boolean hangReceives;
    /** Counted down when a receive starts hanging. */
    final CountDownLatch hanging = new CountDownLatch(1);

    /** Every subscription stops delivering, without an error (as a subscription the engine lost). */
    void loseSubscriptions() {
        subscribers.clear();
    }

    /** Changes a property of the first waiting message (as a sender that edits a copy of a signed one would). */
    void alterWaiting(String property, String value) {
        ready.peekFirst().properties.put(property, value);
    }

    /** Sets the delivery count of every waiting message (as an engine that delivered them before). */
    void setDeliveryCountOfWaiting(int count) {
        ready.forEach(s -> s.deliveryCount = count);
    }

    /** The properties of the first waiting message, as the engine holds them. */
    Map<String, Object> waitingProperties() {
        return Map.copyOf(ready.peekFirst().properties);
    }

    /** What a selector of Echo's form lets through. */
    static boolean selects(String selector, Stored s) {
        if (selector == null) {
            return true;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("echoAppName = '((?:[^']|'')*)'").matcher(selector);
        if (!m.find()) {
            throw new UnsupportedOperationException("the fake provider cannot evaluate selector " + selector);
        }
        Object app = s.properties.get("echoAppName");
        return m.group(1).replace("''", "'").equals(app) || (app == null && selector.contains("echoAppName IS NULL"));
    }

    private JMSContext context(int mode) {
        boolean transacted = mode == JMSContext.SESSION_TRANSACTED;
        List<Stored> received = new ArrayList<>();
        List<Stored> newsToSend = new ArrayList<>();
        List<Stored> queuedToSend = new ArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        return proxy(JMSContext.class, (p, m, args) -> switch (m.getName()) {
            case "createTextMessage" -> textMessage(new Stored((String) args[0]));
            case "createProducer" -> producer(transacted, newsToSend, queuedToSend);
            case "createConsumer" -> args[0] == queue ? queueConsumer(transacted, received, args.length > 1 ? (String) args[1] : null)
                    : topicConsumer(args.length > 1 ? (String) args[1] : null, closed);
            case "commit" -> {
                List<String> taken = received.stream().map(s -> (String) s.properties.get(JmsActionQueue.RUN_ID)).toList();
                List<Stored> news = List.copyOf(newsToSend);
                List<Stored> queued = List.copyOf(queuedToSend);
                if (!queued.isEmpty() && commitGate.getCount() > 0) {
                    commitsHeld.release();
                    commitGate.await();
                }
                received.clear();
                newsToSend.clear();
                queuedToSend.clear();
                news.forEach(this::deliverToSubscribers);
                queued.forEach(q -> enqueue(q, false));
                commits.add(new Commit(taken, news.stream().map(n -> n.text).toList(),
                        queued.stream().map(q -> (String) q.properties.get(JmsActionQueue.RUN_ID)).toList()));
                yield null;
            }
            case "rollback", "close" -> {
                if (m.getName().equals("close")) {
                    closed.countDown();
                }
                for (Stored s : received) {
                    s.deliveryCount++;
                    enqueue(s, true);
                }
                received.clear();
                newsToSend.clear();
                queuedToSend.clear();
                yield null;
            }
            default -> unsupported(m.getName());
        });
    }

    /** Connections of the classic API made and not yet closed. */
    final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A classic-API connection: its sessions are this fake's contexts (same queue, same commits),
     * their producers bound to a destination; a full queue is the classic API's checked
     * {@code ResourceAllocationException}.
     */
    private jakarta.jms.Connection connection() {
        openConnections.incrementAndGet();
        List<JMSContext> sessions = new CopyOnWriteArrayList<>();
        boolean[] closed = {false};
        return proxy(jakarta.jms.Connection.class, (p, m, args) -> switch (m.getName()) {
            case "createSession" -> {
                // (transacted, mode), (mode), ()
                boolean transacted = args != null && (args.length == 2 ? (Boolean) args[0] : (Integer) args[0] == JMSContext.SESSION_TRANSACTED);
                JMSContext c = context(transacted ? JMSContext.SESSION_TRANSACTED : JMSContext.AUTO_ACKNOWLEDGE);
                sessions.add(c);
                yield session(c, transacted);
            }
            case "start", "stop" -> null;
            case "close" -> {
                if (!closed[0]) {
                    closed[0] = true;
                    openConnections.decrementAndGet();
                    sessions.forEach(JMSContext::close);
                }
                yield null;
            }
            default -> unsupported(m.getName());
        });
    }

    private jakarta.jms.Session session(JMSContext c, boolean transacted) {
        return proxy(jakarta.jms.Session.class, (p, m, args) -> switch (m.getName()) {
            case "createTextMessage" -> c.createTextMessage((String) args[0]);
            case "createProducer" -> boundProducer(c.createProducer(), (jakarta.jms.Destination) args[0]);
            case "getTransacted" -> transacted;
            case "commit" -> {
                c.commit();
                yield null;
            }
            case "rollback" -> {
                c.rollback();
                yield null;
            }
            case "close" -> {
                c.close();
                yield null;
            }
            default -> unsupported(m.getName());
        });
    }

    private jakarta.jms.MessageProducer boundProducer(jakarta.jms.JMSProducer producer, jakarta.jms.Destination destination) {
        return proxy(jakarta.jms.MessageProducer.class, (p, m, args) -> switch (m.getName()) {
            case "setDeliveryMode", "setDeliveryDelay", "setPriority", "setTimeToLive", "close" -> null;
            case "send" -> {
                if (args.length != 1 && args.length != 4) {
                    yield unsupported("send with " + args.length + " arguments");
                }
                try {
                    producer.send(destination, (jakarta.jms.Message) args[0]);
                } catch (jakarta.jms.ResourceAllocationRuntimeException e) {
                    throw new jakarta.jms.ResourceAllocationException(e.getMessage());
                }
                yield null;
            }
            default -> unsupported(m.getName());
        });
    }

    private Object producer(boolean transacted, List<Stored> newsToSend, List<Stored> queuedToSend) {
        return proxy(jakarta.jms.JMSProducer.class, (p, m, args) -> switch (m.getName()) {
            case "setDeliveryMode", "setTimeToLive", "setPriority", "setDeliveryDelay" -> p;
            case "send" -> {
                Stored sent = args[1] instanceof String text ? new Stored(text) : stored(args[1]);
                if (args[0] == queue && refusesRun.test(String.valueOf(sent.properties.get(JmsActionQueue.RUN_ID)))) {
                    throw new jakarta.jms.ResourceAllocationRuntimeException("CWSIK0025E: the queue is full");
                } else if (args[0] == queue && transacted) {
                    queuedToSend.add(sent); // on the queue at the commit
                } else if (args[0] == queue) {
                    enqueue(sent, false);
                } else if (transacted) {
                    newsToSend.add(sent);
                } else {
                    if (publisherGate.getCount() > 0) {
                        publishersHeld.release();
                    }
                    publisherGate.await();
                    publishedDirectly.add(sent.text);
                    deliverToSubscribers(sent);
                }
                yield p;
            }
            default -> unsupported(m.getName());
        });
    }

    private static Stored stored(Object message) {
        // offer() sends a TextMessage this fake made; its handler is the Stored's
        return ((StoredHandler) Proxy.getInvocationHandler(message)).stored;
    }

    /** The texts the topic delivered to subscribers, by their selector, in order. */
    private final Map<String, List<String>> deliveredBySelector = new java.util.concurrent.ConcurrentHashMap<>();

    /** What subscribers with {@code selector} were given, in order. */
    List<String> deliveredTo(String selector) {
        return List.copyOf(deliveredBySelector.getOrDefault(selector, List.of()));
    }

    private void deliverToSubscribers(Stored message) {
        for (Subscriber s : subscribers) {
            if (selects(s.selector(), message)) {
                deliveredBySelector.computeIfAbsent(s.selector(), k -> new CopyOnWriteArrayList<>()).add(message.text);
                Stored copy = new Stored(message.text);
                copy.properties.putAll(message.properties);
                s.inbox().add(copy);
            }
        }
    }

    /** The first waiting message {@code selector} lets through, taken off the queue; waits up to {@code millis}. */
    private Stored take(String selector, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (ready) {
            while (true) {
                for (var it = ready.iterator(); it.hasNext(); ) {
                    Stored s = it.next();
                    if (selects(selector, s)) {
                        it.remove();
                        return s;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(ready, left); // woken by enqueue
            }
        }
    }

    /** Puts a message on the queue (at its head for a rollback) and wakes the consumers waiting in {@link #take}. */
    private void enqueue(Stored s, boolean first) {
        synchronized (ready) {
            if (first) {
                ready.addFirst(s);
            } else {
                ready.add(s);
            }
            ready.notifyAll();
        }
    }

    private Object queueConsumer(boolean transacted, List<Stored> received, String selector) {
        return proxy(jakarta.jms.JMSConsumer.class, (p, m, args) -> switch (m.getName()) {
            case "receive", "receiveNoWait" -> {
                Stored s = take(selector, args == null ? 0 : (Long) args[0]);
                if (s != null && transacted) {
                    received.add(s);
                }
                yield s == null ? null : textMessage(s);
            }
            default -> unsupported(m.getName());
        });
    }

    private Object topicConsumer(String selector, CountDownLatch closed) {
        BlockingQueue<Stored> mine = new LinkedBlockingQueue<>();
        subscribers.add(new Subscriber(selector, mine));
        return proxy(jakarta.jms.JMSConsumer.class, (p, m, args) -> switch (m.getName()) {
            case "receive" -> {
                if (hangReceives) {
                    hangReceives = false;
                    hanging.countDown();
                    closed.await(); // as a receive on a dead connection: no message, no error, no return
                    throw new jakarta.jms.IllegalStateRuntimeException("the context was closed");
                }
                Stored s = mine.poll((Long) args[0], TimeUnit.MILLISECONDS);
                yield s == null ? null : textMessage(s);
            }
            default -> unsupported(m.getName());
        });
    }

    /** A TextMessage view of a stored message (the properties JmsActionQueue reads and writes). */
    private record StoredHandler(Stored stored) implements InvocationHandler {
        @Override
        public Object invoke(Object p, java.lang.reflect.Method m, Object[] args) {
            return switch (m.getName()) {
                case "getText" -> stored.text;
                case "setStringProperty", "setBooleanProperty", "setIntProperty" -> {
                    stored.properties.put((String) args[0], args[1]);
                    yield null;
                }
                case "getStringProperty" -> stored.properties.get(args[0]) == null ? null : String.valueOf(stored.properties.get(args[0]));
                case "getPropertyNames" -> java.util.Collections.enumeration(new ArrayList<>(stored.properties.keySet()));
                case "getBooleanProperty" -> Boolean.TRUE.equals(stored.properties.get(args[0]));
                case "propertyExists" -> "JMSXDeliveryCount".equals(args[0]) || stored.properties.containsKey(args[0]);
                case "getIntProperty" -> {
                    if (!"JMSXDeliveryCount".equals(args[0])) {
                        throw new UnsupportedOperationException("getIntProperty(" + args[0] + ")");
                    }
                    yield stored.deliveryCount;
                }
                case "getJMSRedelivered" -> stored.deliveryCount > 1;
                case "getJMSMessageID" -> "ID:" + System.identityHashCode(stored);
                case "hashCode" -> System.identityHashCode(p);
                case "equals" -> p == args[0];
                case "toString" -> "fake message " + stored.text;
                default -> throw new UnsupportedOperationException("the fake message has no " + m.getName());
            };
        }
    }

    private static TextMessage textMessage(Stored s) {
        return (TextMessage) Proxy.newProxyInstance(FakeJms.class.getClassLoader(), new Class<?>[]{TextMessage.class},
                new StoredHandler(s));
    }

    private static <T> T named(Class<T> type, String getter, String name) {
        return proxy(type, (p, m, args) -> {
            if (m.getName().equals(getter)) {
                return name;
            }
            return unsupported(m.getName());
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Object proxy, java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(FakeJms.class.getClassLoader(), new Class<?>[]{type}, (p, m, args) ->
                switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    case "toString" -> "fake " + type.getSimpleName();
                    default -> handler.handle(p, m, args);
                }));
    }

    private static Object unsupported(String method) {
        throw new UnsupportedOperationException("the fake provider has no " + method);
    }
}
