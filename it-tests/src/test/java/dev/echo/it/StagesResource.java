package dev.echo.it;

import dev.echo.cdi.EchoPriority;
import dev.echo.cdi.executor.ManagedFuture;
import dev.echo.task.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Test endpoint (deployed by ManagedFutureIT only): every dependent-stage method of Echo's
 * managed futures, registered by the caller (alice, BASIC) and triggered from an Echo task that
 * runs <em>without</em> her identity. Each stage reports where it ran and whom it saw, one line
 * per method: {@code name|thread|priority|principal|cancel}.
 */
@Path("stages")
@ApplicationScoped
public class StagesResource {

    /** Registers one dependent stage on {@code f}; the stage's function calls {@code probe}. */
    @FunctionalInterface
    interface Register {
        CompletionStage<?> on(ManagedFuture<String> f, Runnable probe, Executor executor);
    }

    record Case(String name, boolean triggeredByFailure, Register register) {
    }

    static final List<Case> CASES = cases();

    @Inject
    @EchoPriority(Priority.LOW)
    ManagedExecutorService low;

    @Inject
    SecurityContext security;

    @Resource(lookup = "java:comp/DefaultContextService")
    ContextService contextService;

    /** Submits to {@code low} with the context of application start: no caller identity. */
    private volatile Consumer<Runnable> submitWithoutCaller;

    void captureStartContext(@Observes @Initialized(ApplicationScoped.class) Object started) {
        submitWithoutCaller = contextService.contextualConsumer((Runnable r) -> low.execute(r));
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String run() throws Exception {
        StringBuilder out = new StringBuilder();
        for (Case c : CASES) {
            out.append(c.name()).append('|').append(seenBy(c)).append('|').append(cancelled(c)).append('\n');
        }
        return out.toString();
    }

    private String probe() {
        Principal p = security.getCallerPrincipal();
        return Thread.currentThread().getName() + "|" + dev.echo.scheduler.Scheduler.currentPriority().orElse(null)
                + "|" + (p == null ? "<none>" : p.getName());
    }

    @SuppressWarnings("unchecked")
    private ManagedFuture<String> source() {
        CompletableFuture<String> f = low.newIncompleteFuture();
        return (ManagedFuture<String>) f;
    }

    private void trigger(Case c, ManagedFuture<String> source, CountDownLatch done) {
        submitWithoutCaller.accept(() -> {
            if (c.triggeredByFailure()) {
                source.completeExceptionally(new IllegalStateException("source failed"));
            } else {
                source.complete("v");
            }
            done.countDown();
        });
    }

    /** Where the stage's function ran, and as whom. */
    private String seenBy(Case c) throws Exception {
        ManagedFuture<String> source = source();
        AtomicReference<String> seen = new AtomicReference<>("<not run>");
        CompletionStage<?> stage = c.register().on(source, () -> seen.set(probe()), low); // registered as the caller
        trigger(c, source, new CountDownLatch(1));
        stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        return seen.get();
    }

    /** cancel(true) of the stage before its source completes: it is cancelled and its function never runs. */
    private String cancelled(Case c) throws Exception {
        ManagedFuture<String> source = source();
        AtomicBoolean ran = new AtomicBoolean();
        CompletionStage<?> stage = c.register().on(source, () -> ran.set(true), low);
        boolean cancelled = stage.toCompletableFuture().cancel(true);
        CountDownLatch triggered = new CountDownLatch(1);
        trigger(c, source, triggered);
        if (!triggered.await(30, TimeUnit.SECONDS)) {
            return "source never completed";
        }
        // an async function would have been queued by now: one more task on the same view runs after it
        CompletableFuture<Void> after = low.runAsync(() -> { });
        after.get(30, TimeUnit.SECONDS);
        low.submit(() -> { }).get(30, TimeUnit.SECONDS);
        return cancelled && stage.toCompletableFuture().isCancelled() && !ran.get() ? "cancelled" : "cancel=" + cancelled
                + ",isCancelled=" + stage.toCompletableFuture().isCancelled() + ",ran=" + ran.get();
    }

    private static List<Case> cases() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("w");
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("thenApply", false, (f, p, e) -> f.thenApply(v -> run(p))));
        cases.add(new Case("thenApplyAsync", false, (f, p, e) -> f.thenApplyAsync(v -> run(p))));
        cases.add(new Case("thenApplyAsync(executor)", false, (f, p, e) -> f.thenApplyAsync(v -> run(p), e)));
        cases.add(new Case("thenAccept", false, (f, p, e) -> f.thenAccept(v -> p.run())));
        cases.add(new Case("thenAcceptAsync", false, (f, p, e) -> f.thenAcceptAsync(v -> p.run())));
        cases.add(new Case("thenAcceptAsync(executor)", false, (f, p, e) -> f.thenAcceptAsync(v -> p.run(), e)));
        cases.add(new Case("thenRun", false, (f, p, e) -> f.thenRun(p)));
        cases.add(new Case("thenRunAsync", false, (f, p, e) -> f.thenRunAsync(p)));
        cases.add(new Case("thenRunAsync(executor)", false, (f, p, e) -> f.thenRunAsync(p, e)));
        cases.add(new Case("thenCombine", false, (f, p, e) -> f.thenCombine(done, (a, b) -> run(p))));
        cases.add(new Case("thenCombineAsync", false, (f, p, e) -> f.thenCombineAsync(done, (a, b) -> run(p))));
        cases.add(new Case("thenCombineAsync(executor)", false, (f, p, e) -> f.thenCombineAsync(done, (a, b) -> run(p), e)));
        cases.add(new Case("thenAcceptBoth", false, (f, p, e) -> f.thenAcceptBoth(done, (a, b) -> p.run())));
        cases.add(new Case("thenAcceptBothAsync", false, (f, p, e) -> f.thenAcceptBothAsync(done, (a, b) -> p.run())));
        cases.add(new Case("thenAcceptBothAsync(executor)", false, (f, p, e) -> f.thenAcceptBothAsync(done, (a, b) -> p.run(), e)));
        cases.add(new Case("runAfterBoth", false, (f, p, e) -> f.runAfterBoth(done, p)));
        cases.add(new Case("runAfterBothAsync", false, (f, p, e) -> f.runAfterBothAsync(done, p)));
        cases.add(new Case("runAfterBothAsync(executor)", false, (f, p, e) -> f.runAfterBothAsync(done, p, e)));
        // the other stage of an "either" never completes: only the source can trigger the stage
        cases.add(new Case("applyToEither", false, (f, p, e) -> f.applyToEither(new CompletableFuture<>(), v -> run(p))));
        cases.add(new Case("applyToEitherAsync", false, (f, p, e) -> f.applyToEitherAsync(new CompletableFuture<>(), v -> run(p))));
        cases.add(new Case("applyToEitherAsync(executor)", false,
                (f, p, e) -> f.applyToEitherAsync(new CompletableFuture<>(), v -> run(p), e)));
        cases.add(new Case("acceptEither", false, (f, p, e) -> f.acceptEither(new CompletableFuture<>(), v -> p.run())));
        cases.add(new Case("acceptEitherAsync", false, (f, p, e) -> f.acceptEitherAsync(new CompletableFuture<>(), v -> p.run())));
        cases.add(new Case("acceptEitherAsync(executor)", false,
                (f, p, e) -> f.acceptEitherAsync(new CompletableFuture<>(), v -> p.run(), e)));
        cases.add(new Case("runAfterEither", false, (f, p, e) -> f.runAfterEither(new CompletableFuture<>(), p)));
        cases.add(new Case("runAfterEitherAsync", false, (f, p, e) -> f.runAfterEitherAsync(new CompletableFuture<>(), p)));
        cases.add(new Case("runAfterEitherAsync(executor)", false, (f, p, e) -> f.runAfterEitherAsync(new CompletableFuture<>(), p, e)));
        cases.add(new Case("thenCompose", false, (f, p, e) -> f.thenCompose(v -> CompletableFuture.completedFuture(run(p)))));
        cases.add(new Case("thenComposeAsync", false, (f, p, e) -> f.thenComposeAsync(v -> CompletableFuture.completedFuture(run(p)))));
        cases.add(new Case("thenComposeAsync(executor)", false,
                (f, p, e) -> f.thenComposeAsync(v -> CompletableFuture.completedFuture(run(p)), e)));
        cases.add(new Case("handle", false, (f, p, e) -> f.handle((v, x) -> run(p))));
        cases.add(new Case("handleAsync", false, (f, p, e) -> f.handleAsync((v, x) -> run(p))));
        cases.add(new Case("handleAsync(executor)", false, (f, p, e) -> f.handleAsync((v, x) -> run(p), e)));
        cases.add(new Case("whenComplete", false, (f, p, e) -> f.whenComplete((v, x) -> p.run())));
        cases.add(new Case("whenCompleteAsync", false, (f, p, e) -> f.whenCompleteAsync((v, x) -> p.run())));
        cases.add(new Case("whenCompleteAsync(executor)", false, (f, p, e) -> f.whenCompleteAsync((v, x) -> p.run(), e)));
        cases.add(new Case("exceptionally", true, (f, p, e) -> f.exceptionally(x -> run(p))));
        cases.add(new Case("exceptionallyAsync", true, (f, p, e) -> f.exceptionallyAsync(x -> run(p))));
        cases.add(new Case("exceptionallyAsync(executor)", true, (f, p, e) -> f.exceptionallyAsync(x -> run(p), e)));
        cases.add(new Case("exceptionallyCompose", true,
                (f, p, e) -> f.exceptionallyCompose(x -> CompletableFuture.completedFuture(run(p)))));
        cases.add(new Case("exceptionallyComposeAsync", true,
                (f, p, e) -> f.exceptionallyComposeAsync(x -> CompletableFuture.completedFuture(run(p)))));
        cases.add(new Case("exceptionallyComposeAsync(executor)", true,
                (f, p, e) -> f.exceptionallyComposeAsync(x -> CompletableFuture.completedFuture(run(p)), e)));
        return List.copyOf(cases);
    }

    private static String run(Runnable probe) {
        probe.run();
        return "ran";
    }
}
