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
 * {@code echo.action.retries} (counters) and {@code echo.action.duration} (timer) — in
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

    private static Tag tag(Action action) {
        return new Tag("action", action.name());
    }

    @Override
    public void retrying(Action action, int failedAttempt, Duration wait) {
        registry.counter("echo.action.retries", tag(action)).inc();
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
