package dev.echo.cdi.action;

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
 * <p>Invariants: each consumer thread holds at most one unsettled message (its own transacted
 * session, see {@link JmsActionQueue}), so at most {@code window} runs of queued actions are in
 * progress here; {@code stopping} (volatile) is set once, before the threads are told to end, and
 * a run that ends CANCELLED while stopping without a cancel request is rolled back (delivered
 * again elsewhere), not reported; the topic context is used only by the publisher thread, and
 * the subscriber's only by the subscriber thread; the final state of a run whose message a
 * consumer here holds is sent only with that message's commit (it is in {@code deliveries} until
 * then, and on the board, final and this server's, after), never by the publisher thread.
 */
final class JmsActions implements DistributedRuns {

    private static final Logger LOG = Logger.getLogger(JmsActions.class.getName());
    private static final Duration RECEIVE = Duration.ofMillis(500);
    private static final long RECONNECT_MILLIS = 1000;
    /** How long a ping of {@link #syncWithTopic} may go unheard before it is sent again. */
    static final long PING_RESEND_MILLIS = 250;

    private final ActionQueueSettings settings;
    private final ConnectionFactory factory;
    private final Topic topic;
    private final JmsActionQueue queue;
    private final RunBoard board;
    private final RunBook book;
    private final Sequence sequence;
    /** The application's context, captured on an application thread at start, for runs of any submitter. */
    private final RunContext applicationContext;
    private final ThreadFactory threads;
    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>(100_000);
    private final List<Thread> started = new ArrayList<>();
    /** Set once when the application stops; read by every loop. */
    private volatile boolean stopping;
    /** Counts this publisher's states, so that a board orders two states of one delivery. */
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    /** Pings sent and not yet heard back, by nonce. */
    private final java.util.Map<String, java.util.concurrent.CountDownLatch> pings = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Deliveries of the runs whose message a consumer here holds, from the start of the run until
     * the message is settled (its final states already on the board then); a concurrent map.
     */
    private final java.util.Map<String, int[]> deliveries = new java.util.concurrent.ConcurrentHashMap<>();

    JmsActions(ActionQueueSettings settings, ConnectionFactory factory, Queue queue, Topic topic, RunBoard board,
               RunBook book, Sequence sequence, RunContext applicationContext, ThreadFactory threads) {
        this.settings = settings;
        this.factory = factory;
        this.topic = topic;
        this.board = board;
        this.book = book;
        this.sequence = sequence;
        this.applicationContext = applicationContext;
        this.threads = threads;
        this.queue = new JmsActionQueue(factory, queue);
    }

    /**
     * Looks up the factory, queue and topic by their JNDI names (on an application thread) and
     * starts the consumers; a missing resource fails with a message naming it and the setting.
     */
    static JmsActions start(ActionQueueSettings settings, RunBoard board, RunBook book, Sequence sequence,
                            RunContext applicationContext, ThreadFactory threads) {
        JmsActions actions = new JmsActions(settings, lookup(settings.connectionFactory(), ConnectionFactory.class,
                dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_CONNECTION_FACTORY),
                lookup(settings.queue(), Queue.class, dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_QUEUE),
                lookup(settings.topic(), Topic.class, dev.echo.cdi.config.EchoConfig.ACTIONS_JMS_TOPIC),
                board, book, sequence, applicationContext, threads);
        actions.start();
        return actions;
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

    @Override
    public String serverName() {
        return settings.serverName();
    }

    @Override
    public long consumed() {
        return consumed.get();
    }

    @Override
    public long redelivered() {
        return redelivered.get();
    }

    @Override
    public long deadLettered() {
        return deadLettered.get();
    }

    void start() {
        for (int i = 0; i < settings.window(); i++) {
            thread(this::consumeLoop, "echo-actions-consumer-" + i);
        }
        thread(this::publishLoop, "echo-actions-publisher");
        thread(this::subscribeLoop, "echo-actions-subscriber");
        LOG.info(() -> "Echo actions over Jakarta Messaging: server '" + settings.serverName() + "', queue "
                + settings.queue() + ", topic " + settings.topic() + ", window " + settings.window()
                + ", reported FAILED at delivery " + settings.maxDeliveries());
    }

    private void thread(Runnable loop, String name) {
        Thread t = threads.newThread(loop);
        t.setName(name);
        t.setDaemon(true);
        started.add(t);
        t.start();
    }

    /** Stops taking messages; waits up to {@code grace} for runs in progress, then rolls the rest back. */
    @Override
    public void stop(Duration grace) {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
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

    /** Asks every server to cancel {@code id}: the one holding it interrupts it, a queued message is dropped when taken. */
    @Override
    public void requestCancel(String id) {
        board.requestCancel(id);
        enqueue(jakarta.json.Json.createObjectBuilder().add("type", "cancel").add("id", id).build().toString());
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
        String ping = jakarta.json.Json.createObjectBuilder().add("type", "ping").add("nonce", nonce).build().toString();
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
        while (!stopping) {
            Optional<ActionQueue.Delivery> next;
            try {
                next = queue.poll(RECEIVE);
            } catch (JMSRuntimeException | IllegalStateException e) {
                if (!stopping) {
                    LOG.log(Level.WARNING, "Echo: taking actions from " + settings.queue() + " failed; trying again in "
                            + RECONNECT_MILLIS + " ms: " + e);
                    pause();
                }
                continue;
            }
            if (next.isEmpty()) {
                continue;
            }
            JmsActionQueue.JmsDelivery d = (JmsActionQueue.JmsDelivery) next.get();
            List<RunStatus> finals;
            try {
                finals = consume(d);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "Echo: action message " + d.runId + " could not be handled; it will be delivered again", e);
                finals = null;
            }
            settle(d, finals);
        }
        queue.closeSlot();
    }

    /**
     * Commits {@code d} with {@code finals} on the topic in the same transaction, or rolls it back
     * ({@code finals == null}). The final states are not left to the publisher thread: a server
     * that died after the commit and before the publisher sent them would leave every other
     * server believing the run is still in progress here, for ever (the message, committed, is
     * never delivered again). Once committed they are taken on this board too.
     */
    private void settle(JmsActionQueue.JmsDelivery d, List<RunStatus> finals) {
        try {
            if (finals == null) {
                d.nack();
                return;
            }
            d.commitWith(topic, finals.stream().map(RunStatus::toJson).toList());
            finals.forEach(board::apply);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Echo: settling action message " + d.runId + " failed; the engine delivers it again", e);
        } finally {
            if (d.runId != null) {
                deliveries.remove(d.runId);
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one delivered action to its end: the final states of its run and of every run its
     * result started, to commit the message with, or {@code null} to roll it back.
     */
    private List<RunStatus> consume(JmsActionQueue.JmsDelivery d) {
        int delivery = d.deliveryCount();
        RunBook.Owner owner = d.owner();
        Action action;
        try {
            action = d.action();
            sequence.validate(action, role -> true); // routing: this server must know every name of the chain
        } catch (IllegalArgumentException | ActionException e) {
            return cannotRun(d, owner, delivery, e);
        }
        if (board.cancelRequested(action.id())) {
            RunStatus base = statusBase(action, owner, d.key());
            return List.of(base.with(ActionRun.State.CANCELLED, base.attempts(), settings.serverName(), delivery,
                    delivery > 1, null, ActionException.Kind.CANCELLATION, versions.incrementAndGet()));
        }
        consumed.incrementAndGet();
        RunStatus known = board.get(action.id()).orElse(null);
        int before = Math.max(known == null ? 0 : known.attempts(), delivery - 1);
        boolean taken = delivery > 1 || (known != null && known.deliveries() > 0);
        if (taken) {
            redelivered.incrementAndGet();
        }
        deliveries.put(action.id(), new int[]{delivery, taken ? 1 : 0});
        RunStatus base = statusBase(action, owner, d.key());
        publish(base.with(ActionRun.State.QUEUED, before, settings.serverName(), delivery, taken, null, null,
                versions.incrementAndGet()));
        String caller = owner.application() ? null : owner.name();
        RunContext context = body -> applicationContext.call(() -> ActionCaller.callAs(caller, body));
        book.expect(action.id(), owner, RunBook.weigh(action));
        ActionRun run;
        try {
            run = sequence.submit(action, role -> true, context, before);
        } catch (RuntimeException e) {
            book.unexpect(action.id());
            return null; // e.g. the scheduler is stopping: another server takes it
        }
        CompletableFuture<Void> tree = whole(run);
        while (true) {
            try {
                tree.get(RECEIVE.toMillis(), TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (board.cancelRequested(action.id())) {
                    run.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null; // the server stops: rolled back, delivered again
            } catch (ExecutionException e) {
                break;
            }
        }
        if (stopping && run.state() == ActionRun.State.CANCELLED && !board.cancelRequested(action.id())) {
            return null; // cancelled by this server's shutdown, not by anyone's request: another server runs it
        }
        List<RunStatus> finals = new ArrayList<>();
        addFinalStates(run, finals);
        return finals;
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
     * An action this server cannot start: rolled back ({@code null}); reported FAILED at the last
     * delivery the engine allows, by the publisher (the rollback would take back a state sent
     * with it).
     */
    private List<RunStatus> cannotRun(JmsActionQueue.JmsDelivery d, RunBook.Owner owner, int delivery, RuntimeException why) {
        LOG.log(Level.WARNING, "Echo: action message " + d.runId + " cannot be run here (delivery " + delivery + " of "
                + settings.maxDeliveries() + "): " + why.getMessage());
        if (delivery >= settings.maxDeliveries()) {
            deadLettered.incrementAndGet();
            if (d.runId != null) {
                RunStatus known = board.get(d.runId).orElse(new RunStatus(d.runId, "?", owner, d.key(),
                        ActionRun.State.QUEUED, 0, settings.serverName(), 0, false, null, null, 0));
                publish(known.with(ActionRun.State.FAILED, known.attempts(), settings.serverName(), delivery, delivery > 1,
                        null, ActionException.Kind.ROUTING, versions.incrementAndGet()));
            }
        }
        return null;
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
                result = ActionJson.toJson("the result is larger than " + RunStatus.MAX_RESULT_CHARS
                        + " characters: it is kept only on server " + settings.serverName()).toString();
            }
        } else {
            kind = run.state() == ActionRun.State.CANCELLED ? ActionException.Kind.CANCELLATION : ActionException.Kind.EXECUTION;
        }
        return stateOf(run.action(), run.state(), run.attempts(), result, kind);
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
        enqueue(s.toJson());
    }

    private void enqueue(String json) {
        if (!outgoing.offer(json)) {
            LOG.warning("Echo: the run-state topic is backed up; a state change was not sent to other servers");
        }
    }

    private void publishLoop() {
        JMSContext context = null;
        while (!stopping || !outgoing.isEmpty()) {
            String next;
            try {
                next = outgoing.poll(RECEIVE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (next == null) {
                continue;
            }
            try {
                if (context == null) {
                    context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                }
                // states are news, not records: non-persistent, and stale after a minute
                context.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                        .setTimeToLive(JmsActionQueue.NEWS_TIME_TO_LIVE_MILLIS)
                        .send(topic, next);
            } catch (JMSRuntimeException e) {
                LOG.log(Level.WARNING, "Echo: publishing a run state on " + settings.topic() + " failed: " + e);
                context = close(context);
                if (!stopping) {
                    pause();
                }
            }
        }
        close(context);
    }

    private void subscribeLoop() {
        JMSContext context = null;
        JMSConsumer consumer = null;
        while (!stopping) {
            try {
                if (context == null) {
                    context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                    consumer = context.createConsumer(topic);
                    // a non-durable subscriber misses what was said before it listened (this server
                    // started, or was cut off): ask every server for the states of the runs it holds
                    enqueue(jakarta.json.Json.createObjectBuilder().add("type", "sync").add("from", settings.serverName())
                            .build().toString());
                }
                Message m = consumer.receive(RECEIVE.toMillis());
                if (m instanceof TextMessage text) {
                    heard(text.getText());
                }
            } catch (JMSRuntimeException | jakarta.jms.JMSException e) {
                if (!stopping) {
                    LOG.log(Level.WARNING, "Echo: listening to " + settings.topic() + " failed; trying again: " + e);
                    context = close(context);
                    pause();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Echo: an unreadable run state on " + settings.topic() + " was ignored", e);
            }
        }
        close(context);
    }

    private void heard(String text) {
        JsonObject o = RunStatus.read(text);
        String type = o.getString("type", "");
        if ("ping".equals(type)) {
            java.util.concurrent.CountDownLatch waiting = pings.get(o.getString("nonce", ""));
            if (waiting != null) {
                waiting.countDown();
            }
        } else if ("sync".equals(type)) {
            if (!settings.serverName().equals(o.getString("from", ""))) {
                for (RunStatus mine : board.publishedBy(settings.serverName())) {
                    enqueue(mine.toJson());
                }
            }
        } else if ("cancel".equals(type)) {
            String id = o.getString("id");
            board.requestCancel(id);
            book.find(id, RunBook.Owner.APPLICATION).ifPresent(ActionRun::cancel);
        } else {
            board.apply(RunStatus.parse(o));
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
