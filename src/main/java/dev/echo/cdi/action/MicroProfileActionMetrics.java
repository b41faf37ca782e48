package dev.echo.cdi.action;

import dev.echo.cdi.observe.MetricRegistryHolder;
import dev.echo.action.Action;
import dev.echo.action.ActionObserver;
import dev.echo.action.ActionRun;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.Optional;

/**
 * Action metrics in MicroProfile Metrics (application scope), tagged with the action's name:
 * {@code echo.action.count}, {@code echo.action.failures}, {@code echo.action.cancelled},
 * {@code echo.action.retries}, {@code echo.action.refused} (an attempt or chained start the
 * scheduler refused), {@code echo.action.cache.hits} and {@code .misses} (submissions of a
 * {@code cache-for} function that found a cached result, or not) (counters),
 * {@code echo.action.timeout.seconds} (gauge: the next attempt's server timeout) and
 * {@code echo.action.duration} (timer) — in
 * Prometheus text {@code echo_action_count_total{action="..."}} and so on. Loaded only when the
 * MicroProfile Metrics API is present, so Echo deploys without the metrics feature.
 */
final class MicroProfileActionMetrics implements ActionObserver {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(MicroProfileActionMetrics.class.getName());

    private final MetricRegistry registry;

    private MicroProfileActionMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    /** The application's registry, if the container provides one. */
    static Optional<ActionObserver> lookup() {
        MetricRegistry registry = MetricRegistryHolder.current();
        if (registry == null) {
            LOG.info("Echo: no MicroProfile MetricRegistry bean; action metrics stay in-process");
            return Optional.empty();
        }
        LOG.info("Echo: action metrics exported to MicroProfile Metrics (application scope)");
        return Optional.of(new MicroProfileActionMetrics(registry));
    }

    /**
     * The shared action queue's figures for this server ({@code echo.actions.queue=jms}), tagged
     * {@code server}: {@code echo_action_queue_depth} (messages waiting and visible now, from a queue
     * browser), {@code echo_action_messages_consumed}, {@code _redelivered} (taken over from a
     * server that did not settle them) and {@code _dead_lettered} (reported FAILED and left to the
     * engine's exception destination) — counts since this server started — and
     * {@code echo_action_news_lag_seconds}: how late the last message believed on the run-state
     * topic arrived (the run-state topic falling behind shows here before the engine's topic space fills).
     */
    static void exportQueue(DistributedRuns runs) {
        MetricRegistry registry = MetricRegistryHolder.current();
        if (registry == null) {
            return;
        }
        Tag server = new Tag("server", runs.serverName());
        registry.gauge(org.eclipse.microprofile.metrics.Metadata.builder().withName("echo.action.queue.depth")
                .withDescription("Action messages waiting in the shared queue and visible now").build(), runs, r -> {
            try {
                return r.depth();
            } catch (RuntimeException e) {
                return -1; // the engine is unreachable right now
            }
        }, server);
        registry.gauge(org.eclipse.microprofile.metrics.Metadata.builder().withName("echo.action.messages.consumed")
                .withDescription("Action messages this server took and ran").build(), runs, DistributedRuns::consumed, server);
        registry.gauge(org.eclipse.microprofile.metrics.Metadata.builder().withName("echo.action.bundles.consumed")
                .withDescription("Messages of several accepted actions (echo.actions.jms.bundle) this server took").build(),
                runs, DistributedRuns::bundlesConsumed, server);
        registry.gauge(org.eclipse.microprofile.metrics.Metadata.builder().withName("echo.action.messages.redelivered")
                .withDescription("Action messages this server took over from a server that did not settle them").build(),
                runs, DistributedRuns::redelivered, server);
        registry.gauge(org.eclipse.microprofile.metrics.Metadata.builder().withName("echo.action.news.lag.seconds")
                .withDescription("How long the last message believed on the run-state topic had been on its way when this"
                        + " server heard it, in seconds (-1 before the first): this server's board behind the others").build(),
                runs, r -> r.newsLagMillis() < 0 ? -1 : r.newsLagMillis() / 1000.0, server);
        registry.gauge(org.eclipse.microprofile.metrics.Metadata.builder().withName("echo.action.messages.dead_lettered")
                .withDescription("Action messages reported FAILED and left to the engine's exception destination").build(),
                runs, DistributedRuns::deadLettered, server);
    }

    /**
     * {@code echo_action_messages_rejected_total{server,reason}}: messages this server refused
     * (unsigned, a bad signature, a replay, a policy the consumer re-checked...), each reason
     * registered at 0 so that a dashboard sees the series before the first forgery.
     */
    static void exportRejections(DistributedRuns runs) {
        MetricRegistry registry = MetricRegistryHolder.current();
        if (registry == null) {
            return;
        }
        Tag server = new Tag("server", runs.serverName());
        org.eclipse.microprofile.metrics.Metadata md = org.eclipse.microprofile.metrics.Metadata.builder()
                .withName("echo.action.messages.rejected")
                .withDescription("Messages on the action queue or run-state topic this server refused; none of them ran"
                        + " or changed a run state").build();
        java.util.Map<String, org.eclipse.microprofile.metrics.Counter> byReason = new java.util.HashMap<>();
        for (String reason : runs.rejectionReasons()) {
            byReason.put(reason, registry.counter(md, server, new Tag("reason", reason)));
        }
        java.util.Map<String, org.eclipse.microprofile.metrics.Counter> counters = java.util.Map.copyOf(byReason);
        runs.onRejected(reason -> {
            org.eclipse.microprofile.metrics.Counter c = counters.get(reason);
            if (c != null) {
                c.inc();
            }
        });
    }

    private static Tag tag(Action action) {
        return new Tag("action", action.name());
    }

    @Override
    public void cacheLookup(Action action, boolean hit) {
        registry.counter(hit ? "echo.action.cache.hits" : "echo.action.cache.misses", tag(action)).inc();
    }

    /**
     * One gauge per function with a server-declared attempt timeout: what its next attempt gets, in
     * seconds ({@code echo_action_timeout_seconds{action}}; an adaptive one moves with the successes).
     */
    static void exportTimeouts(java.util.Map<String, dev.echo.action.limit.AttemptTimeout> timeouts) {
        MetricRegistry registry = MetricRegistryHolder.current();
        if (registry == null) {
            return;
        }
        org.eclipse.microprofile.metrics.Metadata md = org.eclipse.microprofile.metrics.Metadata.builder()
                .withName("echo.action.timeout.seconds")
                .withDescription("The timeout the next attempt of the action gets, in seconds").build();
        timeouts.forEach((name, t) -> registry.gauge(md, t, x -> x.current().toNanos() / 1e9, new Tag("action", name)));
    }

    @Override
    public void retrying(Action action, int failedAttempt, Duration wait) {
        registry.counter("echo.action.retries", tag(action)).inc();
    }

    @Override
    public void refused(Action action, String why) {
        registry.counter("echo.action.refused", tag(action)).inc();
    }

    @Override
    public void finished(Action action, ActionRun.State state, int attempts, Duration elapsed) {
        Tag t = tag(action);
        registry.counter("echo.action.count", t).inc();
        if (state == ActionRun.State.FAILED) {
            registry.counter("echo.action.failures", t).inc();
        } else if (state == ActionRun.State.CANCELLED) {
            registry.counter("echo.action.cancelled", t).inc();
        }
        registry.timer("echo.action.duration", t).update(elapsed);
    }
}
