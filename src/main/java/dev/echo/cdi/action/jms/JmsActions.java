package dev.echo.cdi.action.jms;

import dev.echo.cdi.action.RunBook;
import dev.echo.cdi.action.ActionJson;
import dev.echo.cdi.action.JsonLimits;
import dev.echo.cdi.action.CurrentRun;
import dev.echo.cdi.action.DistributedRuns;

import dev.echo.action.Action;
import dev.echo.action.ActionException;
import dev.echo.action.ActionQueue;
import dev.echo.action.ActionRun;
import dev.echo.action.RunContext;
import dev.echo.action.Sequence;
import dev.echo.cdi.config.ActionQueueSettings;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Actions over Jakarta Messaging ({@code echo.actions.queue=jms}): accepted actions become
 * persistent messages on the shared queue ({@link JmsActionQueue}); {@code window} consumer
 * threads on every server take them and run them on this server's Echo scheduler; every state
 * change travels on the run-state topic to every server's {@link RunBoard}, so that any server
 * answers for any run. A server whose subscriber (re)connects asks the others to republish the
 * states they published (a non-durable subscriber hears only what is said while it listens).
 *
 * <p>A message is settled (committed) only when its run, and every run its result started
 * (chained actions run where their parent ran), reached a final state; a server that dies before
 * leaves it to the engine to deliver again. The commit carries those final states to the topic in
 * the same transaction, so a committed message always leaves its outcome on the topic. A run that
 * cannot start here — an undecodable body, an unknown function or hook — is rolled back; at the
 * last delivery the engine allows ({@code max-deliveries}) it is first reported FAILED (kind
 * ROUTING), then the engine moves it to its exception destination.
 *
 * <p>Accepted actions reach the queue through one sender thread ({@link ActionSender}): those
 * accepted at the same moment go in one transaction, and those due now of one priority as one
 * message, a bundle, whose runs a consumer runs together and settles with one commit
 * ({@link #consumeBundle}); a run of a bundle given back (a stop) or that cannot start here goes
 * on as a message of its own in that commit's transaction.
 *
 * <p>Invariants: each consumer thread holds at most one unsettled message (its own transacted
 * session, see {@link JmsActionQueue}), so at most {@code window} messages (each one run, or a
 * bundle's at most {@code bundle}) are in progress here; {@code outgoing} is taken from by the
 * publisher thread only, which drops a non-final state whose run is final on the board; {@code stopping} (volatile) is set once, before the threads are told to end, and
 * a run that ends CANCELLED while stopping without a cancel request is rolled back (delivered
 * again elsewhere), not reported; the topic context is used only by the publisher thread, and
 * the subscriber's only by the subscriber thread; the final state of a run whose message a
 * consumer here holds is sent only with that message's commit (it is in {@code deliveries} until
 * then, and on the board, final and this server's, after), never by the publisher thread.
 *
 * <p>Trust (docs/actions-messaging.md, "Signed messages"): nothing of a message is believed before
 * its signature verifies ({@link MessageSigner}); a refused message is committed unrun (queue) or
 * ignored (topic), never changes a board, and is counted per {@link Rejection}. Consumers and the
 * subscriber select this application's messages only. {@code stopDeadline} is written before the
 * volatile {@code stopping} that publishes it; a message whose run the stop cancelled is rolled
 * back only once no body of its run is inside ({@link Bodies}). The outage flags are CAS'd so that
 * one thread logs the start and one the end of an outage; {@code rejectionLogged} is CAS'd so that
 * one thread a minute logs a reason. {@code lastRepublish}, {@code republishPending} and the
 * {@link Liveness} belong to the subscriber thread; {@code renewPublisher} (volatile) is set by the
 * subscriber and cleared by the publisher.
 */
public final class JmsActions implements DistributedRuns {

    /** The JSON-P provider, looked up once ({@link dev.echo.cdi.action.ActionJson#provider}). */
    private static final jakarta.json.spi.JsonProvider JSON = dev.echo.cdi.action.ActionJson.provider();

    private static final Logger LOG = Logger.getLogger(JmsActions.class.getName());
    private static final Duration RECEIVE = Duration.ofMillis(500);
    /** First wait after a provider failure; it doubles per failure up to {@link #RECONNECT_MAX_MILLIS}. */
    private static final long RECONNECT_MILLIS = 1000;
    static final long RECONNECT_MAX_MILLIS = 30_000;
    /** How long, after the stop's grace, a cancelled run's body may take to notice its interrupt. */
    static final long STOP_CANCEL_WAIT_MILLIS = 10_000;
    /** Run-state messages this much older (or newer) than their news lifetime allows are replays: refused. */
    static final long CLOCK_SKEW_MILLIS = 60_000;
    /** At most one republish for joining servers per this many milliseconds (syncs in between are coalesced). */
    static final long REPUBLISH_INTERVAL_MILLIS = 1000;
    /** A rejection reason is logged at most once per this many milliseconds (with the count since). */
    static final long REJECTION_LOG_INTERVAL_MILLIS = 60_000;
    /** How long a ping of {@link #syncWithTopic} may go unheard before it is sent again. */
    static final long PING_RESEND_MILLIS = 250;

    private final ActionQueueSettings settings;
    private final ConnectionFactory factory;
    private final Topic topic;
    private final JmsActionQueue queue;
    /** Sends accepted actions, those that wait together in one transaction (its own thread, from {@link #start()}). */
    private final ActionSender sender;
    /** Whether an accepting thread is inside a JTA transaction (its send joins it, alone); set before {@link #start()}. */
    private java.util.function.BooleanSupplier inTransaction = () -> false;
    private final RunBoard board;
    private final RunBook book;
    private final Sequence sequence;
    /** The application's context, captured on an application thread at start, for runs of any submitter. */
    private final RunContext applicationContext;
    private final ThreadFactory threads;
    /** The application's policy, asked again for every action taken from the queue. */
    private final ConsumePolicy policy;
    /** How a consumed run executes as its submitter (Liberty identity assertion), or as the application. */
    private final SubmitterIdentity identity;
    /** This application's name: what its messages carry and its consumers select on. */
    private final String application;
    private final MessageSigner signer;
    /** This JVM's id on the topic ({@link JmsActionQueue#ORIGIN}): its subscriber skips the states it sent, unread. */
    private final String origin = java.util.UUID.randomUUID().toString();
    /**
     * Room for runs taken from the queue: {@code window} permits; a consumer takes a message only
     * with room for a whole bundle (at most {@code bundle} permits) and gives back what the message
     * did not need, then the rest once it is settled. So at most {@code window} runs are in
     * progress here (a bundle sent by a server with a larger {@code bundle} may hold more).
     */
    private final java.util.concurrent.Semaphore runRoom;
    /** Topic messages of this JVM's own states its subscriber skipped unread. */
    private final AtomicLong skippedOwn = new AtomicLong();
    /** News waiting for the publisher thread, in order. */
    private final BlockingQueue<News> outgoing = new LinkedBlockingQueue<>(100_000);
    /** Run states the publisher dropped because their run was final on this board before they went out. */
    private final AtomicLong superseded = new AtomicLong();

    /** One piece of news for the topic: its JSON, and for a run state its run and whether it is final. */
    private record News(String json, String runId, boolean isFinal) {
    }
    private final List<Thread> started = new ArrayList<>();
    /** Set once when the application stops; read by every loop. */
    private volatile boolean stopping;
    /** When the stop's grace ends (System.nanoTime); written before {@code stopping}, which publishes it. */
    private volatile long stopDeadline;
    /**
     * Set (CAS, once) when this server's max-deliveries is found to differ from the engine's limit:
     * at start (the engine's server knows it), from another server's word, or from a delivery count.
     */
    private final java.util.concurrent.atomic.AtomicBoolean deliveriesMismatchReported = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether the queue, the topic's publisher, its subscriber are in an outage (one WARNING each per outage). */
    private final java.util.concurrent.atomic.AtomicBoolean queueDown = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean publisherDown = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean subscriberDown = new java.util.concurrent.atomic.AtomicBoolean();
    /** Refused messages per reason, and when each reason was last logged (ms; CAS: one logger per minute). */
    private final java.util.Map<Rejection, AtomicLong> rejections = new java.util.EnumMap<>(Rejection.class);
    private final java.util.Map<Rejection, AtomicLong> rejectionLogged = new java.util.EnumMap<>(Rejection.class);
    private final java.util.Map<Rejection, AtomicLong> rejectionsSinceLog = new java.util.EnumMap<>(Rejection.class);
    /** Told of every rejection (the metric); volatile: set once by the application's start. */
    private volatile java.util.function.Consumer<String> onRejected = reason -> { };
    /** When this server last republished its states for a joining server (ms); only the subscriber thread touches it. */
    private long lastRepublish;
    /** A sync heard within the interval: republished once the interval has passed (subscriber thread only). */
    private boolean republishPending;
    /** Counts this publisher's states, so that a board orders two states of one delivery. */
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong bundlesConsumed = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    /**
     * How long the last message believed on the run-state topic had been on its way when this
     * server heard it (ms; -1 before the first): the lag of this server's board behind the others.
     * Pings (a server's probes of the topic) and the run states this JVM sent (skipped unread) are
     * not counted. Written by the subscriber thread only, volatile for the metrics' scrape.
     */
    private volatile long newsLagMillis = -1;
    /** Pings sent and not yet heard back, by nonce. */
    private final java.util.Map<String, java.util.concurrent.CountDownLatch> pings = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Deliveries of the runs whose message a consumer here holds, from the start of the run until
     * the message is settled (its final states already on the board then); a concurrent map.
     */
    private final java.util.Map<String, int[]> deliveries = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What the application allows an action taken from the queue, asked again on the consuming
     * server (the accepting server asked first): {@code null} if it may run, else why not.
     */
    @FunctionalInterface
    public interface ConsumePolicy {
        ConsumePolicy ANY = (action, owner) -> null;

        String refusal(Action action, RunBook.Owner owner);
    }

    /** Why a message was refused; each is a label of {@code echo_action_messages_rejected_total}. */
    enum Rejection {
        /** No signature: not sent by an Echo server. */
        UNSIGNED,
        /** A signature no key of ours made (forged, altered, or an unknown key). */
        BAD_SIGNATURE,
        /** Not a text message. */
        NOT_TEXT,
        /** Names no application. */
        NO_APPLICATION,
        /** A run id Echo never makes. */
        BAD_RUN_ID,
        /** A function or hook the application does not let this submitter run. */
        POLICY,
        /** A copy of a message whose run was already taken or ended. */
        REPLAY,
        /** A run state sent longer ago than news live (or in the future). */
        STALE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    JmsActions(ActionQueueSettings settings, ConnectionFactory factory, Queue queue, Topic topic, RunBoard board,
               RunBook book, Sequence sequence, RunContext applicationContext, ThreadFactory threads) {
        this(settings, factory, queue, topic, board, book, sequence, applicationContext, threads, ConsumePolicy.ANY,
                SubmitterIdentity.APPLICATION);
    }

    JmsActions(ActionQueueSettings settings, ConnectionFactory factory, Queue queue, Topic topic, RunBoard board,
               RunBook book, Sequence sequence, RunContext applicationContext, ThreadFactory threads, ConsumePolicy policy,
               SubmitterIdentity identity) {
        if (settings.application() == null) {
            throw new IllegalArgumentException("the application's name is needed (" + dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_APPLICATION + ")");
        }
        if (!settings.signing().present()) {
            throw new IllegalArgumentException("Echo: " + dev.echo.cdi.config.EchoConfig.ACTIONS_QUEUE + "=jms needs "
                    + dev.echo.cdi.config.SigningKeys.SIGNING_KEY);
        }
        this.settings = settings;
        this.runRoom = new java.util.concurrent.Semaphore(settings.window());
        this.policy = policy;
        this.identity = identity;
        this.application = settings.application();
        this.signer = new MessageSigner(settings.signing());
        for (Rejection r : Rejection.values()) {
            rejections.put(r, new AtomicLong());
            rejectionLogged.put(r, new AtomicLong(Long.MIN_VALUE / 2));
            rejectionsSinceLog.put(r, new AtomicLong());
        }
        this.factory = factory;
        this.topic = topic;
        this.board = board;
        this.book = book;
        this.sequence = sequence;
        this.applicationContext = applicationContext;
        this.threads = threads;
        this.queue = new JmsActionQueue(factory, settings.login(), queue, signer, application);
        JmsActionQueue actionQueue = this.queue;
        this.sender = new ActionSender(actionQueue::connect, queue, settings.bundle(), new ActionSender.Bundler() {
            @Override
            public boolean bundles(ActionSender.Outgoing message) {
                return JmsActionQueue.bundles(message);
            }

            @Override
            public ActionSender.Outgoing bundle(List<ActionSender.Outgoing> members) {
                return actionQueue.bundle(members);
            }
        });
    }

    /**
     * Looks up the factory, queue and topic by their JNDI names (on an application thread) and
     * starts the consumers; a missing resource fails with a message naming it and the setting.
     */
    public static JmsActions start(ActionQueueSettings settings, RunBoard board, RunBook book, Sequence sequence,
                            RunContext applicationContext, ThreadFactory threads, ConsumePolicy policy,
                            SubmitterIdentity identity) {
        JmsActions actions = new JmsActions(settings, lookup(settings.connectionFactory(), ConnectionFactory.class,
                dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_CONNECTION_FACTORY),
                lookup(settings.queue(), Queue.class, dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_QUEUE),
                lookup(settings.topic(), Topic.class, dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_TOPIC),
                board, book, sequence, applicationContext, threads, policy, identity);
        actions.inTransaction = inJtaTransaction();
        actions.start();
        return actions;
    }

    /**
     * Whether the calling thread is inside a JTA transaction, from the container's
     * TransactionSynchronizationRegistry (looked up here, on an application thread); never, on a
     * server without transactions.
     */
    private static java.util.function.BooleanSupplier inJtaTransaction() {
        try {
            Object found = new javax.naming.InitialContext().lookup("java:comp/TransactionSynchronizationRegistry");
            if (found instanceof jakarta.transaction.TransactionSynchronizationRegistry registry) {
                return () -> registry.getTransactionStatus() != jakarta.transaction.Status.STATUS_NO_TRANSACTION;
            }
        } catch (javax.naming.NamingException | RuntimeException e) {
            LOG.log(Level.FINE, "no TransactionSynchronizationRegistry: accepted actions are never part of a JTA transaction", e);
        }
        return () -> false;
    }

    private static <T> T lookup(String name, Class<T> type, String setting) {
        Object found;
        try {
            found = new javax.naming.InitialContext().lookup(name);
        } catch (javax.naming.NamingException e) {
            throw new IllegalStateException("Echo: echo.actions.queue=jms needs a " + type.getSimpleName() + " at JNDI name '"
                    + name + "' (" + setting + "); the server has none: " + e.getMessage(), e);
        }
        if (!type.isInstance(found)) {
            throw new IllegalStateException("Echo: JNDI name '" + name + "' (" + setting + ") is a "
                    + found.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(found);
    }

    /** This JVM's id on the topic (tests). */
    String origin() {
        return origin;
    }

    /** Run states the publisher dropped as moot (tests). */
    long superseded() {
        return superseded.get();
    }

    /** Topic messages of this JVM's own run states skipped unread (tests). */
    long skippedOwn() {
        return skippedOwn.get();
    }

    @Override
    public String serverName() {
        return settings.serverName();
    }

    @Override
    public long consumed() {
        return consumed.get();
    }

    @Override
    public long bundlesConsumed() {
        return bundlesConsumed.get();
    }

    @Override
    public long redelivered() {
        return redelivered.get();
    }

    @Override
    public long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public long newsLagMillis() {
        return newsLagMillis;
    }

    @Override
    public List<String> rejectionReasons() {
        return java.util.Arrays.stream(Rejection.values()).map(Rejection::label).toList();
    }

    @Override
    public void onRejected(java.util.function.Consumer<String> listener) {
        this.onRejected = java.util.Objects.requireNonNull(listener);
    }

    /** Messages refused for {@code why} since this server started. */
    long rejected(Rejection why) {
        return rejections.get(why).get();
    }

    /**
     * Counts a refused message and logs it — at most once a minute per reason, with how many
     * were refused since the last line: a flood of forgeries must not become a flood of log lines.
     * {@code what} is ours (a reason), never the message's text.
     */
    private void reject(Rejection why, String what) {
        rejections.get(why).incrementAndGet();
        long since = rejectionsSinceLog.get(why).incrementAndGet();
        onRejected.accept(why.label());
        long now = System.currentTimeMillis();
        AtomicLong last = rejectionLogged.get(why);
        long before = last.get();
        if (now - before >= REJECTION_LOG_INTERVAL_MILLIS && last.compareAndSet(before, now)) {
            long n = rejectionsSinceLog.get(why).getAndSet(0);
            LOG.warning("Echo: refused " + n + " message(s) of application '" + application + "' for reason '"
                    + why.label() + "' (latest: " + dev.echo.action.LogText.escape(what) + "); counted in echo_action_messages_rejected_total."
                    + " Refused messages never run and change no run state");
        }
    }

    void start() {
        if (settings.engineMaxDeliveries() > 0) {
            engineLimit(settings.engineMaxDeliveries(), "this server's " + dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_ENGINE_MAX_DELIVERIES);
        }
        // window consumers, each taking a message only with room for a whole bundle (runRoom)
        for (int i = 0; i < settings.window(); i++) {
            thread(this::consumeLoop, "echo-actions-consumer-" + i);
        }
        thread(this::publishLoop, "echo-actions-publisher");
        thread(() -> sender.run(() -> stopping), "echo-actions-sender");
        queue.sendThrough(sender, inTransaction);
        thread(this::subscribeLoop, "echo-actions-subscriber");
        LOG.info(() -> "Echo actions over Jakarta Messaging: server '" + settings.serverName() + "', application '"
                + application + "', queue " + settings.queue() + ", topic " + settings.topic() + ", window "
                + settings.window() + ", reported FAILED at delivery " + settings.maxDeliveries() + ", messages signed ("
                + settings.signing() + "), connecting as " + settings.login() + ", runs execute " + identity);
    }

        private void thread(Runnable loop, String name) {
        Thread t = threads.newThread(loop);
        t.setName(name);
        t.setDaemon(true);
        started.add(t);
        t.start();
    }

    /**
     * Stops taking messages; waits up to {@code grace} for runs in progress to end (their messages
     * are committed); then cancels (interrupts) the runs still in progress and waits up to
     * {@value #STOP_CANCEL_WAIT_MILLIS} ms more for their bodies to leave, and only then rolls their
     * messages back (another server runs them). A body that finished although cancelled has its
     * message committed: no run completes twice because of a stop.
     */
    @Override
    public void stop(Duration grace) {
        stopDeadline = System.nanoTime() + grace.toNanos();
        stopping = true;
        long deadline = stopDeadline + TimeUnit.MILLISECONDS.toNanos(STOP_CANCEL_WAIT_MILLIS + 2 * RECEIVE.toMillis());
        for (Thread t : started) {
            try {
                long left = deadline - System.nanoTime();
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(5000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- submission

    /**
     * Sends an authorized action for {@code owner} and records it QUEUED (or DELAYED) here and on
     * the topic. The caller holds the hand-over lock (ids and keys are checked against the board
     * there).
     */
    @Override
    public RunStatus send(Action action, RunBook.Owner owner) {
        queue.offer(action, owner); // QueueFullException: nothing was accepted
        ActionRun.State state = action.metadata().delay().isZero() ? ActionRun.State.QUEUED : ActionRun.State.DELAYED;
        RunStatus s = new RunStatus(action.id(), action.name(), owner, action.metadata().idempotencyKey(), state, 0,
                settings.serverName(), 0, false, null, null, versions.incrementAndGet());
        publish(s);
        return s;
    }

    /**
     * Records a run answered from this server's result cache: SUCCEEDED at once with
     * {@code resultJson}, {@code cached}, here and on the topic (every server's GET finds it);
     * nothing is sent to the queue. The caller holds the hand-over claims, as for {@link #send}.
     */
    @Override
    public RunStatus acceptCached(Action action, RunBook.Owner owner, String resultJson) {
        RunStatus s = new RunStatus(action.id(), action.name(), owner, action.metadata().idempotencyKey(),
                ActionRun.State.SUCCEEDED, 0, settings.serverName(), 0, false, resultJson, null, versions.incrementAndGet(), true);
        publish(s);
        return s;
    }

    /** Asks every server to cancel {@code id}: the one holding it interrupts it, a queued message is dropped when taken. */
    @Override
    public void requestCancel(String id) {
        board.requestCancel(id);
        enqueue(JSON.createObjectBuilder().add("type", "cancel").add("id", id).build().toString());
        book.find(id, RunBook.Owner.APPLICATION).ifPresent(ActionRun::cancel);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The ping is sent again every {@link #PING_RESEND_MILLIS} until heard: a subscriber that
     * was not listening yet when one passed (this server just started, or its subscriber is
     * reconnecting) never hears it, and a non-durable topic keeps nothing for it. Any ping of this
     * call that comes back proves the same order, so hearing one is enough.
     */
    @Override
    public boolean syncWithTopic(Duration timeout) {
        String nonce = settings.serverName() + "/" + java.util.UUID.randomUUID();
        String ping = JSON.createObjectBuilder().add("type", "ping").add("nonce", nonce).build().toString();
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        pings.put(nonce, heard);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                enqueue(ping);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return heard.getCount() == 0;
                }
                if (heard.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(PING_RESEND_MILLIS)), TimeUnit.NANOSECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            pings.remove(nonce);
        }
    }

    @Override
    public int depth() {
        return queue.depth(1_000_000);
    }

    // ---------------------------------------------------------------- consumption

    private void consumeLoop() {
        long backoff = RECONNECT_MILLIS;
        // room for a whole bundle before taking a message: at most `window` runs in progress here
        int need = Math.max(1, Math.min(settings.bundle(), settings.window()));
        while (!stopping) {
            try {
                if (!runRoom.tryAcquire(need, RECEIVE.toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                break;
            }
            int held = need;
            try {
                Optional<ActionQueue.Delivery> next;
                try {
                    next = queue.poll(RECEIVE);
                } catch (JMSRuntimeException | IllegalStateException e) {
                    if (!stopping) {
                        outage(queueDown, "taking actions from " + settings.queue(), e);
                        backOff(backoff);
                        backoff = Math.min(RECONNECT_MAX_MILLIS, backoff * 2);
                    }
                    continue;
                }
                backoff = RECONNECT_MILLIS;
                recovered(queueDown, "taking actions from " + settings.queue());
                if (next.isEmpty()) {
                    continue;
                }
                JmsActionQueue.JmsDelivery d = (JmsActionQueue.JmsDelivery) next.get();
                int runs = Math.min(need, d.declaredRuns());
                runRoom.release(held - runs); // a smaller bundle, or one run: the rest is room for others
                held = runs;
                consumeAndSettle(d);
            } finally {
                runRoom.release(held);
            }
        }
        queue.closeSlot();
    }

    /** Runs {@code d}'s action(s) and settles it. */
    private void consumeAndSettle(JmsActionQueue.JmsDelivery d) {
        Settlement settlement;
        try {
            settlement = consume(d);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Echo: action message " + dev.echo.action.LogText.escape(d.messageId())
                    + " could not be handled; it will be delivered again", dev.echo.action.LogText.safe(e));
            settlement = null;
        }
        settle(d, settlement);
    }

    /**
     * Compares the engine queue's redelivery limit, as {@code source} states it, with this
     * server's {@code max-deliveries}: one WARNING naming both settings when they differ (a message
     * no server can run would be reported FAILED before, or long after, the engine gives up).
     */
    void engineLimit(int engine, String source) {
        if (engine != settings.maxDeliveries() && deliveriesMismatchReported.compareAndSet(false, true)) {
            LOG.warning("Echo: " + dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_MAX_DELIVERIES + " is " + settings.maxDeliveries()
                    + " on server '" + settings.serverName() + "', but the engine queue's redelivery limit (maxRedeliveryCount) is "
                    + engine + " (" + source + "). Set both to one value, or a message no server can run is "
                    + (engine > settings.maxDeliveries() ? "reported FAILED long before the engine gives up on it"
                    : "never reported FAILED: the engine moves it to its exception destination first"));
        }
    }

    /**
     * One WARNING when {@code down} turns on (the first thread of the kind to fail), none while it
     * stays on: a provider outage of a minute is one line, not one per thread per second. A refused
     * login names the settings to look at.
     */
    private void outage(java.util.concurrent.atomic.AtomicBoolean down, String what, RuntimeException e) {
        if (down.compareAndSet(false, true)) {
            LOG.warning("Echo: " + what + " failed; retrying with a growing pause (up to " + RECONNECT_MAX_MILLIS / 1000
                    + " s) until the messaging provider answers again: " + e
                    + (refusedLogin(e) ? " (the engine refused the login of " + settings.login() + ": check "
                    + dev.echo.cdi.config.MessagingLogin.USER + " and " + dev.echo.cdi.config.MessagingLogin.PASSWORD
                    + " against the engine's registry and messagingSecurity role)" : ""));
        } else {
            LOG.log(Level.FINE, "Echo: " + what + " still failing", e);
        }
    }

    /** Whether {@code e}, or a cause of it, is the provider refusing Echo's login or its rights. */
    static boolean refusedLogin(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof jakarta.jms.JMSSecurityRuntimeException || t instanceof jakarta.jms.JMSSecurityException) {
                return true;
            }
        }
        return false;
    }

    /** One INFO when {@code down} turns off. */
    private void recovered(java.util.concurrent.atomic.AtomicBoolean down, String what) {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("Echo: " + what + " works again");
            synchronized (providerBack) {
                providerBack.notifyAll(); // the provider answers: the other threads need not sit out their pause
            }
        }
    }

    /**
     * Pauses after a provider failure for up to {@code millis}, or until another thread got through
     * ({@link #recovered}): after an outage the first connection that works ends every pause, so one
     * thread's long backoff does not keep it away from a provider that is back.
     */
    private void backOff(long millis) {
        synchronized (providerBack) {
            try {
                providerBack.wait(Math.max(1, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Commits {@code d} with {@code finals} on the topic in the same transaction, or rolls it back
     * ({@code finals == null}). The final states are not left to the publisher thread: a server
     * that died after the commit and before the publisher sent them would leave every other
     * server believing the run is still in progress here, for ever (the message, committed, is
     * never delivered again). Once committed they are taken on this board too. A refused message
     * is committed with no news: taken off the queue, never run.
     */
    private void settle(JmsActionQueue.JmsDelivery d, Settlement settlement) {
        try {
            if (settlement == null) {
                d.nack();
                return;
            }
            List<RunStatus> finals = settlement.finals();
            // a bundle's final states go as one batch of news: one topic message per commit
            List<String> news = finals.size() > 1 ? List.of(batchOf(finals.stream().map(RunStatus::toJson).toList()))
                    : finals.stream().map(RunStatus::toJson).toList();
            d.commitWith(topic, news, origin, settlement.handBack());
            finals.forEach(board::apply);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Echo: settling action message " + dev.echo.action.LogText.escape(d.messageId())
                    + " failed; the engine delivers it again", dev.echo.action.LogText.safe(e));
        } finally {
            for (String id : d.runIds()) {
                deliveries.remove(id);
            }
        }
    }

    /** {@code items} (run states' JSON) as one batch message's text, as the publisher makes them. */
    private static String batchOf(List<String> items) {
        return "{\"type\":\"batch\",\"items\":[" + String.join(",", items) + "]}";
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Why {@code d} must not be believed, or {@code null}: its signature first (nothing of an
     * unsigned message is read), then the application it names, then its run id.
     */
    private Rejection screen(JmsActionQueue.JmsDelivery d) {
        switch (d.verdict()) {
            case UNSIGNED:
                return Rejection.UNSIGNED;
            case BAD_SIGNATURE:
                return Rejection.BAD_SIGNATURE;
            case NOT_TEXT:
                return Rejection.NOT_TEXT;
            default:
                break;
        }
        if (d.applicationName() == null) {
            return Rejection.NO_APPLICATION;
        }
        if (d.runId == null || !ActionJson.isToken(d.runId)) {
            return Rejection.BAD_RUN_ID;
        }
        return null;
    }

    /**
     * How a delivered message is settled: committed with {@code finals} on the topic and
     * {@code handBack} sent again to the queue (runs of a bundle this server gives back), in one
     * transaction.
     */
    record Settlement(List<RunStatus> finals, List<ActionSender.Outgoing> handBack) {
        static Settlement of(List<RunStatus> finals) {
            return new Settlement(finals, List.of());
        }
    }

    /**
     * Runs one delivered message's action (or each action of a bundle) to its end: the final
     * states to commit the message with, or {@code null} to roll it back. A refused message
     * ({@link #screen}, the policy, a replay) is committed unrun.
     */
    private Settlement consume(JmsActionQueue.JmsDelivery d) {
        Rejection refused = screen(d);
        if (refused != null) {
            reject(refused, "message " + d.messageId());
            return Settlement.of(List.of());
        }
        if (!application.equals(d.applicationName())) {
            // the selector keeps other applications' messages away; a provider that ignored it must
            // not make us drop another application's work: give it back
            LOG.fine(() -> "Echo: action message " + d.messageId() + " belongs to another application; given back");
            return null;
        }
        int delivery = d.deliveryCount();
        if (delivery > settings.maxDeliveries() && d.countsDeliveries() && deliveriesMismatchReported.compareAndSet(false, true)) {
            LOG.warning("Echo: action message " + dev.echo.action.LogText.escape(d.messageId()) + " is delivered for the " + delivery + "th time, but "
                    + dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_MAX_DELIVERIES + " is " + settings.maxDeliveries()
                    + ": the engine queue's redelivery limit (maxRedeliveryCount) is higher. Set both to one value, or a"
                    + " message no server can run is reported FAILED long before the engine gives up on it");
        }
        if (d.bundled()) {
            return consumeBundle(d, delivery);
        }
        RunBook.Owner owner = d.owner();
        Start start = start(d.runId, owner, d.key(), d::action, delivery, d.countsDeliveries(), d.bodyChars());
        if (start.settled() != null) {
            return Settlement.of(start.settled());
        }
        if (start.cannot() != null) {
            List<RunStatus> reported = cannotRun(d, owner, delivery, start.cannot());
            return reported == null ? null : Settlement.of(reported);
        }
        List<RunStatus> finals = start.run() == null ? null : finish(start);
        return finals == null ? null : Settlement.of(finals);
    }

    /**
     * Runs every action of a bundle (several accepted actions in one message, {@link ActionSender})
     * at once and settles the message when all have ended: their final states go with its commit.
     * A run this server cannot start, or gives back at a stop, is sent again to the queue as a
     * message of its own in the same transaction (so no other run of the bundle runs again): a
     * run given back at a stop carries the deliveries so far ({@value JmsActionQueue#DELIVERED}).
     */
    private Settlement consumeBundle(JmsActionQueue.JmsDelivery d, int delivery) {
        List<JmsActionQueue.BundledRun> runs;
        try {
            runs = d.bundle();
        } catch (IllegalArgumentException e) {
            List<RunStatus> reported = cannotRun(d, RunBook.Owner.APPLICATION, delivery, e);
            return reported == null ? null : Settlement.of(reported);
        }
        bundlesConsumed.incrementAndGet();
        List<RunStatus> finals = new ArrayList<>();
        List<ActionSender.Outgoing> handBack = new ArrayList<>();
        List<java.util.Map.Entry<JmsActionQueue.BundledRun, Start>> started = new ArrayList<>();
        for (JmsActionQueue.BundledRun r : runs) {
            Start s = start(r.runId(), r.owner(), r.key(), r::action, delivery, d.countsDeliveries(), r.actionJson().length());
            if (s.settled() != null) {
                finals.addAll(s.settled());
            } else if (s.cannot() != null) {
                LOG.warning("Echo: run " + dev.echo.action.LogText.escape(r.runId()) + " of a bundle cannot be run here: "
                        + dev.echo.action.LogText.escape(String.valueOf(s.cannot().getMessage()))
                        + "; it is sent on as a message of its own");
                handBack.add(queue.single(r, 0));
            } else if (s.run() == null) {
                handBack.add(queue.single(r, delivery)); // the scheduler is stopping: another server runs it
            } else {
                started.add(java.util.Map.entry(r, s));
            }
        }
        publishEarly(started.stream().map(e -> e.getValue().run()).toList());
        for (java.util.Map.Entry<JmsActionQueue.BundledRun, Start> e : started) {
            List<RunStatus> f = finish(e.getValue());
            if (f == null) {
                handBack.add(queue.single(e.getKey(), delivery)); // given back at a stop: it runs elsewhere
            } else {
                finals.addAll(f);
            }
        }
        return new Settlement(finals, handBack);
    }

    /**
     * How long a bundle's runs that ended wait for the others before their final states are
     * published as news (the commit carries them again): a quick run's result does not wait for
     * the slowest run of its message, and a bundle that ends at once costs no news.
     */
    static final long EARLY_NEWS_MILLIS = 50;

    /**
     * Waits for {@code runs} (a bundle's) to end; each {@value #EARLY_NEWS_MILLIS} ms they have
     * not all ended, the final states of each run whose whole tree (it and the runs its result
     * started) has ended are published as news, once.
     * Returns when all have ended, or the server stops (finish() then deals with each).
     */
    private void publishEarly(List<ActionRun> runs) {
        List<CompletableFuture<Void>> trees = runs.stream().map(JmsActions::whole).toList();
        CompletableFuture<Void> all = CompletableFuture.allOf(trees.toArray(CompletableFuture[]::new));
        boolean[] told = new boolean[runs.size()];
        while (!stopping) {
            try {
                all.get(EARLY_NEWS_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                for (int i = 0; i < runs.size(); i++) {
                    // a whole tree only: a server that takes the message again skips a run it knows as
                    // final, so a run whose chained runs had not ended must not be told final yet
                    if (!told[i] && trees.get(i).isDone()) {
                        told[i] = true;
                        List<RunStatus> tree = new ArrayList<>();
                        addFinalStates(runs.get(i), tree);
                        tree.forEach(this::publish); // the others of its message still run
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                return;
            }
        }
    }

    /**
     * What taking one action came to: final states to settle with at once ({@code settled}), an
     * action this server cannot start ({@code cannot}), a run started ({@code run}), or none of
     * these (the scheduler refused it: given back).
     */
    record Start(List<RunStatus> settled, RuntimeException cannot, ActionRun run, Bodies bodies) {
    }

    /**
     * Takes one action of a delivered message (a message's only one, or one of a bundle): checks
     * it as consume did for one message (routing, policy, replay, cancel), then starts its run.
     */
    private Start start(String runId, RunBook.Owner owner, String key, java.util.function.Supplier<Action> decode, int delivery,
                        boolean countsDeliveries, int bodyChars) {
        Action action;
        try {
            action = decode.get();
            sequence.validate(action, role -> true); // routing: this server must know every name of the chain
        } catch (IllegalArgumentException | ActionException e) {
            return new Start(null, e, null, null);
        }
        String notAllowed = policy.refusal(action, owner);
        if (notAllowed != null) {
            reject(Rejection.POLICY, "run " + action.id() + ": " + notAllowed);
            RunStatus base = statusBase(action, owner, key);
            return new Start(List.of(base.with(ActionRun.State.FAILED, base.attempts(), settings.serverName(), delivery,
                    delivery > 1, null, ActionException.Kind.LICENSE, versions.incrementAndGet())), null, null, null);
        }
        RunStatus known = board.get(action.id()).orElse(null);
        if (known != null && (known.isFinal() || (known.deliveries() > 0 && delivery == 1 && countsDeliveries))) {
            // a first delivery of a run some server already took (or ended) is a copy, not a redelivery
            reject(Rejection.REPLAY, "run " + action.id() + " is already " + known.state() + " on server " + known.server());
            return new Start(List.of(), null, null, null);
        }
        if (board.cancelRequested(action.id())) {
            RunStatus base = statusBase(action, owner, key);
            return new Start(List.of(base.with(ActionRun.State.CANCELLED, base.attempts(), settings.serverName(), delivery,
                    delivery > 1, null, ActionException.Kind.CANCELLATION, versions.incrementAndGet())), null, null, null);
        }
        consumed.incrementAndGet();
        int before = Math.max(known == null ? 0 : known.attempts(), delivery - 1);
        boolean taken = delivery > 1 || (known != null && known.deliveries() > 0);
        if (taken) {
            redelivered.incrementAndGet();
        }
        deliveries.put(action.id(), new int[]{delivery, taken ? 1 : 0});
        RunStatus base = statusBase(action, owner, key);
        // taken: every server learns which server holds it (the publisher drops it if the run ends first)
        publish(base.with(ActionRun.State.QUEUED, before, settings.serverName(), delivery, taken, null, null,
                versions.incrementAndGet()));
        String caller = owner.application() ? null : owner.name();
        Bodies bodies = new Bodies();
        CurrentRun.Origin origin = new CurrentRun.Origin(caller, delivery, "jms");
        // the application's context (class loader, java:comp), then the submitter's identity inside it
        RunContext context = body -> bodies.enter(() -> applicationContext.call(
                () -> identity.call(caller, () -> CurrentRun.callAs(origin, body))));
        book.expect(action.id(), owner, RunBook.OVERHEAD_BYTES + 2L * bodyChars); // the body is the action's JSON: no second writing
        ActionRun run;
        try {
            run = sequence.submit(action, role -> true, context, before);
        } catch (RuntimeException e) {
            book.unexpect(action.id());
            return new Start(null, null, null, null); // e.g. the scheduler is stopping: another server takes it
        }
        return new Start(null, null, run, bodies);
    }

    /** Waits for a started run's tree: its final states, or {@code null} if it must be given back (the stop). */
    private List<RunStatus> finish(Start s) {
        ActionRun run = s.run();
        if (!awaitTree(run, s.bodies())) {
            return null; // a body outlived its interrupt at the stop: given back (it may complete twice; logged)
        }
        if (stopping && run.state() == ActionRun.State.CANCELLED && !board.cancelRequested(run.action().id())
                && !s.bodies().returnedAfterStop()) {
            return null; // cancelled by this server's stop before its body finished: another server runs it
        }
        List<RunStatus> finals = new ArrayList<>();
        addFinalStates(run, finals);
        return finals;
    }

    /**
     * Waits for {@code run} and every run its result started to end, and for their bodies to leave.
     * A cancel request from anyone cancels the tree. Once the stop's grace is over the tree is
     * cancelled (interrupted) and its bodies get {@value #STOP_CANCEL_WAIT_MILLIS} ms to leave;
     * {@code false} if one is still inside then.
     */
    private boolean awaitTree(ActionRun run, Bodies bodies) {
        CompletableFuture<Void> tree = whole(run);
        boolean cancelledForStop = false;
        while (true) {
            try {
                tree.get(RECEIVE.toMillis(), TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (board.cancelRequested(run.action().id())) {
                    cancelTree(run);
                }
                if (stopping && !cancelledForStop && System.nanoTime() - stopDeadline >= 0) {
                    cancelledForStop = true;
                    bodies.stopCancels();
                    cancelTree(run);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                bodies.stopCancels();
                cancelTree(run);
                break;
            } catch (ExecutionException e) {
                break;
            }
        }
        // a cancelled run is final at once; its body may still be inside, reacting to the interrupt
        long until = Math.max(System.nanoTime(), stopping ? stopDeadline : System.nanoTime())
                + TimeUnit.MILLISECONDS.toNanos(STOP_CANCEL_WAIT_MILLIS);
        if (!bodies.awaitIdle(until)) {
            LOG.warning("Echo: run " + dev.echo.action.LogText.escape(run.action().id()) + " did not end within " + STOP_CANCEL_WAIT_MILLIS
                    + " ms of its interrupt; its message is given back and the run may complete twice (its function"
                    + " ignores interruption)");
            return false;
        }
        return true;
    }

    /** Cancels {@code run} and every run its result started. */
    private static void cancelTree(ActionRun run) {
        run.cancel();
        for (ActionRun next : run.next()) {
            cancelTree(next);
        }
    }

    /**
     * The bodies (hooks and functions) of one consumed run tree that are executing now, so that a
     * stop waits for them to leave rather than for the run's state, which a cancel sets at once.
     * Invariant (guarded by {@code this}): {@code inside} counts bodies entered and not yet left;
     * {@code returnedAfterStop} is set when a body returns normally after the stop cancelled it.
     */
    static final class Bodies {
        private int inside;
        private boolean stopCancelled;
        private boolean returnedAfterStop;

        <T> T enter(java.util.concurrent.Callable<T> body) throws Exception {
            synchronized (this) {
                inside++;
            }
            boolean normal = false;
            try {
                T result = body.call();
                normal = true;
                return result;
            } finally {
                synchronized (this) {
                    inside--;
                    if (normal && stopCancelled) {
                        returnedAfterStop = true;
                    }
                    notifyAll();
                }
            }
        }

        synchronized void stopCancels() {
            stopCancelled = true;
        }

        /** Whether a body finished normally after the stop cancelled the run: its work is done, not to be repeated. */
        synchronized boolean returnedAfterStop() {
            return returnedAfterStop;
        }

        /** Waits until no body is inside, or {@code deadline} (System.nanoTime); whether none is. */
        synchronized boolean awaitIdle(long deadline) {
            while (inside > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inside == 0;
                }
            }
            return true;
        }
    }

    /** The final state of {@code run} and of every run its result started, recursively. */
    private void addFinalStates(ActionRun run, List<RunStatus> into) {
        into.add(finalStatus(run));
        for (ActionRun next : run.next()) {
            addFinalStates(next, into);
        }
    }

    /** Completes when {@code run} and every run its result started (recursively) are final. */
    private static CompletableFuture<Void> whole(ActionRun run) {
        return run.completion().handle((r, e) -> null).thenCompose(ignored -> {
            List<ActionRun> next = run.next();
            return CompletableFuture.allOf(next.stream().map(JmsActions::whole).toArray(CompletableFuture[]::new));
        });
    }

    /**
     * An action this server cannot start: rolled back ({@code null}) after a pause that doubles
     * with each delivery (a poison message must not spin through the engine); reported FAILED at
     * the last delivery the engine allows, by the publisher (the rollback would take back a state
     * sent with it).
     */
    private List<RunStatus> cannotRun(JmsActionQueue.JmsDelivery d, RunBook.Owner owner, int delivery, RuntimeException why) {
        LOG.log(Level.WARNING, "Echo: action message " + dev.echo.action.LogText.escape(d.runId) + " cannot be run here (delivery " + delivery + " of "
                + settings.maxDeliveries() + "): " + dev.echo.action.LogText.escape(String.valueOf(why.getMessage())));
        if (delivery >= settings.maxDeliveries()) {
            deadLettered.incrementAndGet();
            RunStatus known = board.get(d.runId).orElse(new RunStatus(d.runId, "?", owner, d.key(),
                    ActionRun.State.QUEUED, 0, settings.serverName(), 0, false, null, null, 0));
            publish(known.with(ActionRun.State.FAILED, known.attempts(), settings.serverName(), delivery, delivery > 1,
                    null, ActionException.Kind.ROUTING, versions.incrementAndGet()));
        } else {
            holdBeforeRollback(delivery);
        }
        return null;
    }

    /** Pauses 100 ms × 2^(delivery-1), at most 30 s, or until the server stops. */
    private void holdBeforeRollback(int delivery) {
        long wait = Math.min(RECONNECT_MAX_MILLIS, 100L << Math.min(20, Math.max(0, delivery - 1)));
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        while (!stopping && System.nanoTime() - until < 0) {
            pause(Math.min(RECEIVE.toMillis(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private RunStatus statusBase(Action action, RunBook.Owner owner, String key) {
        return board.get(action.id()).orElse(new RunStatus(action.id(), action.name(), owner, key,
                ActionRun.State.QUEUED, 0, settings.serverName(), 0, false, null, null, 0));
    }

    // ---------------------------------------------------------------- states of runs held here

    /** A run held here started attempt {@code attempt} (Sequence's observer, on the worker). */
    @Override
    public void started(Action action, int attempt) {
        transition(action, ActionRun.State.RUNNING, attempt, null, null);
    }

    @Override
    public void retrying(Action action, int failedAttempt) {
        transition(action, ActionRun.State.RETRY_WAIT, failedAttempt, null, null);
    }

    /**
     * A run held here ended: its final state and result go to every board. The final state of a
     * run that a consumer here holds the message of goes with the message's commit instead
     * ({@link #settle}); once settled the board has it, and it is not sent twice.
     */
    @Override
    public void ended(ActionRun run) {
        String id = run.action().id();
        if (stopping && run.state() == ActionRun.State.CANCELLED && !board.cancelRequested(id)) {
            return; // rolled back by the consumer: the run goes on elsewhere
        }
        boolean settledHere = board.get(id).filter(s -> s.isFinal() && s.server().equals(settings.serverName())).isPresent();
        if (deliveries.containsKey(id) || settledHere) {
            return; // its message's commit carries (or carried) it
        }
        publish(finalStatus(run));
    }

    /** {@code run}'s final state as this server reports it: its result (or a note where it is kept), or its error's kind. */
    private RunStatus finalStatus(ActionRun run) {
        String result = null;
        ActionException.Kind kind = null;
        if (run.state() == ActionRun.State.SUCCEEDED) {
            result = ActionJson.toJson(run.completion().join()).toString();
            if (result.length() > RunStatus.MAX_RESULT_CHARS) {
                result = RunStatus.tooLargeNote(settings.serverName());
            }
        } else {
            kind = run.state() == ActionRun.State.CANCELLED ? ActionException.Kind.CANCELLATION : failureKind(run);
        }
        return stateOf(run.action(), run.state(), run.attempts(), result, kind);
    }

    /** The typed error of a FAILED run (EXECUTION unless it says otherwise, e.g. REFUSED). */
    private static ActionException.Kind failureKind(ActionRun run) {
        try {
            run.completion().getNow(null);
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            if (e.getCause() instanceof ActionException a) {
                return a.kind();
            }
        }
        return ActionException.Kind.EXECUTION;
    }

    private void transition(Action action, ActionRun.State state, int attempts, String result, ActionException.Kind kind) {
        publish(stateOf(action, state, attempts, result, kind));
    }

    private RunStatus stateOf(Action action, ActionRun.State state, int attempts, String result, ActionException.Kind kind) {
        RunStatus base = board.get(action.id()).orElseGet(() -> chained(action));
        int[] d = deliveries.get(rootId(action.id()));
        int delivery = d == null ? Math.max(1, base.deliveries()) : d[0];
        boolean taken = d == null ? base.redelivered() : d[1] == 1;
        return base.with(state, attempts, settings.serverName(), delivery, taken, result, kind, versions.incrementAndGet());
    }

    private static String rootId(String id) {
        int cut = id.indexOf(':');
        return cut < 0 ? id : id.substring(0, cut);
    }

    /** A chained run's first state: its root's owner (chained runs belong to the chain's submitter). */
    private RunStatus chained(Action action) {
        RunBook.Owner owner = board.get(rootId(action.id())).map(RunStatus::owner).orElse(RunBook.Owner.APPLICATION);
        return new RunStatus(action.id(), action.name(), owner, null, ActionRun.State.QUEUED, 0, settings.serverName(),
                1, false, null, null, 0);
    }

    // ---------------------------------------------------------------- the topic

    /** Applies {@code s} here at once and sends it to every other server. */
    private void publish(RunStatus s) {
        board.apply(s);
        enqueue(s);
    }

    private void enqueue(RunStatus s) {
        enqueue(new News(s.toJson(), s.id(), s.isFinal()));
    }

    private void enqueue(String json) {
        enqueue(new News(json, null, false));
    }

    private void enqueue(News news) {
        if (!outgoing.offer(news)) {
            LOG.warning("Echo: the run-state topic is backed up; a state change was not sent to other servers");
        }
    }

    private void publishLoop() {
        JMSContext context = null;
        long backoff = RECONNECT_MILLIS;
        String failed = null; // a message whose send failed: sent again first, not lost (a sync, a ping)
        boolean failedStatesOnly = false;
        jakarta.jms.JMSProducer producer = null; // made with the context, used with it only
        while (!stopping || !outgoing.isEmpty()) {
            watchSubscriber();
            String next;
            try {
                // a message whose send failed goes again as it was; a new one takes what waits behind it
                if (failed != null) {
                    next = failed;
                    nextStatesOnly = failedStatesOnly;
                } else {
                    next = withPending(current(outgoing.poll(RECEIVE.toMillis(), TimeUnit.MILLISECONDS)));
                }
            } catch (InterruptedException e) {
                break;
            }
            failed = null;
            if (next == null) {
                continue;
            }
            try {
                if (renewPublisher) {
                    renewPublisher = false;
                    context = close(context);
                }
                if (context == null) {
                    context = queue.open(JMSContext.AUTO_ACKNOWLEDGE);
                    // one producer per context: the engine makes a producer session (and checks its
                    // authority) for each, which cost 5 % of a durable action made per send (issue 32)
                    // states are news, not records: non-persistent, and stale after a minute
                    producer = context.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                            .setTimeToLive(JmsActionQueue.NEWS_TIME_TO_LIVE_MILLIS);
                }
                producer.send(topic, queue.news(context, next, nextStatesOnly ? origin : null));
                backoff = RECONNECT_MILLIS;
                recovered(publisherDown, "publishing run states on " + settings.topic());
            } catch (JMSRuntimeException e) {
                failed = stopping ? null : next;
                failedStatesOnly = nextStatesOnly;
                context = close(context);
                if (stopping) {
                    break; // the provider is gone and so are we: what is left is news nobody will hear
                }
                outage(publisherDown, "publishing run states on " + settings.topic(), e);
                backOff(backoff);
                backoff = Math.min(RECONNECT_MAX_MILLIS, backoff * 2);
            }
        }
        close(context);
    }

    /** Most news one topic message carries, and most characters (a state with its result is up to 64 KiB). */
    static final int BATCH_MAX_ITEMS = 64;
    static final int BATCH_MAX_CHARS = 256 * 1024;

    /** Whether the message {@link #withPending} made last holds run states only (publisher thread only). */
    private boolean nextStatesOnly;

    /**
     * {@code news}, or the first after it that is not moot: a run state that is not final, of a run
     * whose final state this board already has, is dropped (issue 32: a quick run's QUEUED and
     * RUNNING states often still wait here when its final state has gone out with its message's
     * commit). Every board keeps the first final state it hears and ignores what comes after, and
     * the final state is on the topic, or on its way, wherever this board got it from. Publisher
     * thread only.
     */
    private News current(News news) {
        News n = news;
        while (n != null && moot(n)) {
            n = outgoing.poll();
        }
        return n;
    }

    /** Whether {@code n} is a run state made moot by its run's final state on this board (counted). */
    private boolean moot(News n) {
        if (n.runId() != null && !n.isFinal() && board.get(n.runId()).filter(RunStatus::isFinal).isPresent()) {
            superseded.incrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * {@code first} (if any) and the news already waiting behind it, in order, as one topic message: a
     * {@code batch} of their JSON objects (one send, one signature, one receive per subscriber for
     * all of them), or {@code first} alone when nothing else waits; moot run states are left out
     * ({@link #current}). The topic's order is kept: the items are applied in the order they were
     * enqueued, and a later message follows the batch. Publisher thread only.
     */
    private String withPending(News first) {
        if (first == null) {
            return null;
        }
        nextStatesOnly = first.runId() != null; // a run state (News knows it; no need to read the JSON)
        StringBuilder batch = null;
        int items = 1;
        News more;
        while (items < BATCH_MAX_ITEMS && (more = outgoing.peek()) != null
                && (batch == null ? first.json().length() : batch.length()) + more.json().length() < BATCH_MAX_CHARS) {
            outgoing.poll(); // only this thread takes from the queue: the peeked item is the one polled
            if (moot(more)) {
                continue;
            }
            if (batch == null) {
                batch = new StringBuilder(first.json().length() * 4).append("{\"type\":\"batch\",\"items\":[").append(first.json());
            }
            nextStatesOnly &= more.runId() != null;
            batch.append(',').append(more.json());
            items++;
        }
        return batch == null ? first.json() : batch.append("]}").toString();
    }

    /**
     * A subscription that stops delivering without an error (seen after the engine's server was
     * killed and restarted: the remote server's new subscriber reported no failure and heard
     * nothing, for minutes) is found by listening to ourselves: after {@code livenessIdle} with
     * nothing heard the subscriber pings the topic, and if even its own ping has not come back
     * within {@code livenessAnswer} it drops the subscription and subscribes again (asking the
     * others to republish, as after any reconnect). Subscriber thread only.
     */
    private final class Liveness {
        private long lastHeard = System.nanoTime();
        private java.util.concurrent.CountDownLatch ping;
        private String nonce;
        private long pingSent;

        void heard() {
            lastHeard = System.nanoTime();
        }

        /** Whether the subscription must be renewed; sends a ping when it has been quiet too long. */
        boolean dead() {
            long now = System.nanoTime();
            if (ping != null) {
                if (ping.getCount() == 0) {
                    pings.remove(nonce);
                    ping = null;
                    lastHeard = now;
                    return false;
                }
                if (now - pingSent > livenessAnswer.toNanos()) {
                    pings.remove(nonce);
                    ping = null;
                    lastHeard = now;
                    return true;
                }
                return false;
            }
            if (now - lastHeard > livenessIdle.toNanos()) {
                nonce = settings.serverName() + "/liveness/" + java.util.UUID.randomUUID();
                ping = new java.util.concurrent.CountDownLatch(1);
                pings.put(nonce, ping);
                pingSent = now;
                enqueue(JSON.createObjectBuilder().add("type", "ping").add("nonce", nonce).build().toString());
            }
            return false;
        }
    }

    /** Notified (under its own monitor) when a thread reaches the provider again after an outage. */
    private final Object providerBack = new Object();
    /** When the subscriber last went round its loop (System.nanoTime); the publisher watches it. */
    private volatile long subscriberBeat = System.nanoTime();
    /** The subscriber's context, so that the publisher can close it when a receive hangs; volatile. */
    private volatile JMSContext subscriberContext;
    /** How long the subscriber may stay inside one receive (of 500 ms) before the publisher closes its connection. */
    static final long SUBSCRIBER_STUCK_MILLIS = 15_000;
    /** {@link #SUBSCRIBER_STUCK_MILLIS}, shortened by tests. */
    private volatile Duration subscriberStuck = Duration.ofMillis(SUBSCRIBER_STUCK_MILLIS);
    /** Set by the subscriber when its own ping never came back; the publisher then opens a new context. */
    private volatile boolean renewPublisher;
    /** How long the topic may be quiet before the subscriber checks it still hears (tests shorten it). */
    private volatile Duration livenessIdle = Duration.ofSeconds(15);
    /** How long the subscriber waits for its own ping before it subscribes again. */
    private volatile Duration livenessAnswer = Duration.ofSeconds(10);

    /** For tests: shorter liveness checks; call before {@link #start()}. */
    void livenessCheck(Duration idle, Duration answer) {
        this.livenessIdle = idle;
        this.livenessAnswer = answer;
        this.subscriberStuck = answer;
    }

    /**
     * Closes the subscriber's connection when it has been inside one receive (of 500 ms) for
     * {@value #SUBSCRIBER_STUCK_MILLIS} ms: seen after the engine's server restarted, a receive on
     * the remote server that never returned and never failed. Closing a context is the one thing
     * another thread may do to it; the receive then fails and the subscriber connects again.
     */
    private void watchSubscriber() {
        JMSContext stuck = subscriberContext;
        if (stuck != null && System.nanoTime() - subscriberBeat > subscriberStuck.toNanos()) {
            subscriberBeat = System.nanoTime();
            LOG.info("Echo: listening to " + settings.topic() + " has hung in one receive for over "
                    + subscriberStuck.toMillis() + " ms: closing its connection so that it connects again");
            close(stuck);
        }
    }

    private void subscribeLoop() {
        JMSContext context = null;
        JMSConsumer consumer = null;
        long backoff = RECONNECT_MILLIS;
        Liveness liveness = new Liveness();
        while (!stopping) {
            try {
                if (context == null) {
                    context = queue.open(JMSContext.AUTO_ACKNOWLEDGE);
                    // this application's news only: another application's servers share the topic
                    consumer = context.createConsumer(topic, JmsActionQueue.topicSelector(application));
                    subscriberContext = context;
                    liveness.heard();
                    // a non-durable subscriber misses what was said before it listened (this server
                    // started, or was cut off): ask every server for the states of the runs it holds
                    enqueue(JSON.createObjectBuilder().add("type", "sync").add("from", settings.serverName())
                            .build().toString());
                }
                subscriberBeat = System.nanoTime();
                Message m = consumer.receive(RECEIVE.toMillis());
                subscriberBeat = System.nanoTime();
                backoff = RECONNECT_MILLIS;
                recovered(subscriberDown, "listening to " + settings.topic());
                if (m != null) {
                    liveness.heard();
                    heard(m);
                }
                republishIfDue();
                if (liveness.dead()) {
                    LOG.info("Echo: nothing heard on " + settings.topic() + ", not even this server's own ping: subscribing"
                            + " again and renewing the publisher's connection");
                    renewPublisher = true; // the ping may have been lost on the way out as well as on the way in
                    subscriberContext = null;
                    context = close(context);
                }
            } catch (JMSRuntimeException e) {
                if (!stopping) {
                    subscriberContext = null;
                    context = close(context);
                    outage(subscriberDown, "listening to " + settings.topic(), e);
                    backOff(backoff);
                    backoff = Math.min(RECONNECT_MAX_MILLIS, backoff * 2);
                }
            } catch (RuntimeException e) {
                // a signed message of ours that does not parse: a bug on a server of ours, not an attack
                LOG.log(Level.WARNING, "Echo: an unreadable run state on " + settings.topic() + " was ignored",
                        dev.echo.action.LogText.safe(e));
            }
        }
        close(context);
    }

    /**
     * One message from the topic: believed only if signed by a server of ours, for this
     * application, and sent within the news lifetime (a replay of old news is refused); then a
     * ping, a sync, a cancel or a run state.
     */
    void heard(Message m) {
        try {
            if (origin.equals(m.getStringProperty(JmsActionQueue.ORIGIN))) {
                skippedOwn.incrementAndGet();
                return; // run states this JVM sent: applied here before they were sent
            }
        } catch (jakarta.jms.JMSException e) {
            // no readable origin: judged as any other message below
        }
        Rejection refused = switch (signer.verify(m)) {
            case UNSIGNED -> Rejection.UNSIGNED;
            case BAD_SIGNATURE -> Rejection.BAD_SIGNATURE;
            case NOT_TEXT -> Rejection.NOT_TEXT;
            case VALID -> null;
        };
        String text;
        long age = Long.MIN_VALUE;
        try {
            if (refused == null && !application.equals(m.getStringProperty(JmsActionQueue.APP_NAME))) {
                refused = Rejection.NO_APPLICATION;
            }
            if (refused == null) {
                age = ageMillis(m.getStringProperty(JmsActionQueue.SENT_AT));
                if (!fresh(age)) {
                    refused = Rejection.STALE;
                    // signed by a server of ours, for this application: a true lag, however late
                    newsLagMillis = age == Long.MIN_VALUE ? newsLagMillis : Math.max(0, age);
                }
            }
            text = refused == null ? ((TextMessage) m).getText() : null;
        } catch (jakarta.jms.JMSException e) {
            refused = Rejection.NOT_TEXT;
            text = null;
        }
        if (refused != null) {
            reject(refused, "a run-state message on " + settings.topic());
            return;
        }
        JsonObject o = RunStatus.read(text);
        if (!"ping".equals(o.getString("type", ""))) {
            newsLagMillis = Math.max(0, age); // pings are this server's probes, not the others' news
        }
        if ("batch".equals(o.getString("type", ""))) {
            // news the publisher sent together, in the order it enqueued them (withPending)
            for (jakarta.json.JsonValue item : o.getJsonArray("items")) {
                news(item.asJsonObject());
            }
        } else {
            news(o);
        }
    }

    /** One piece of news from a verified topic message: a ping, a sync, a cancel or a run state. */
    private void news(JsonObject o) {
        String type = o.getString("type", "");
        if ("ping".equals(type)) {
            java.util.concurrent.CountDownLatch waiting = pings.get(o.getString("nonce", ""));
            if (waiting != null) {
                waiting.countDown();
            }
        } else if ("sync".equals(type)) {
            if (!settings.serverName().equals(o.getString("from", ""))) {
                republishPending = true; // coalesced: many servers joining at once cost one republish a second
                republishIfDue();
            }
        } else if ("engine".equals(type)) {
            if (!settings.serverName().equals(o.getString("from", "")) && o.getInt("maxDeliveries", 0) > 0) {
                engineLimit(o.getInt("maxDeliveries"), "as server '" + o.getString("from", "") + "', which hosts the engine, says");
            }
        } else if ("cancel".equals(type)) {
            String id = o.getString("id");
            board.requestCancel(id);
            book.find(id, RunBook.Owner.APPLICATION).ifPresent(ActionRun::cancel);
        } else {
            board.apply(RunStatus.parse(o));
        }
    }

    /** How long ago a message sent at {@code sentAt} (epoch ms, text) was sent; {@link Long#MIN_VALUE} if it is no time. */
    private static long ageMillis(String sentAt) {
        try {
            return System.currentTimeMillis() - Long.parseLong(sentAt);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Whether a message {@code age} ms old ({@link #ageMillis}) is within the news lifetime and the clocks' skew. */
    private static boolean fresh(long age) {
        return age != Long.MIN_VALUE && age <= JmsActionQueue.NEWS_TIME_TO_LIVE_MILLIS + CLOCK_SKEW_MILLIS
                && age >= -CLOCK_SKEW_MILLIS;
    }

    /** Republishes this server's states for a joining server, at most once per {@link #REPUBLISH_INTERVAL_MILLIS}. */
    private void republishIfDue() {
        long now = System.currentTimeMillis();
        if (republishPending && now - lastRepublish >= REPUBLISH_INTERVAL_MILLIS) {
            republishPending = false;
            lastRepublish = now;
            for (RunStatus mine : board.publishedBy(settings.serverName())) {
                enqueue(mine);
            }
            if (settings.engineMaxDeliveries() > 0) {
                // the joining server cannot ask the engine its limit: the server hosting it tells
                enqueue(JSON.createObjectBuilder().add("type", "engine").add("from", settings.serverName())
                        .add("maxDeliveries", settings.engineMaxDeliveries()).build().toString());
            }
        }
    }

    private static JMSContext close(JMSContext context) {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a messaging context failed", e);
            }
        }
        return null;
    }
}
