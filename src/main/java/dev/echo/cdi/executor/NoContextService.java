package dev.echo.cdi.executor;

import jakarta.enterprise.concurrent.ContextService;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link ContextService} Echo uses where no container provides one (a CDI SE container in
 * unit tests): there is no container context to capture, so every contextual object is the
 * object itself. Inside Open Liberty Echo always uses {@code java:comp/DefaultContextService}.
 */
final class NoContextService implements ContextService {

    static final NoContextService INSTANCE = new NoContextService();

    private NoContextService() {
    }

    @Override
    public <R> Callable<R> contextualCallable(Callable<R> callable) {
        return callable;
    }

    @Override
    public <T, U> BiConsumer<T, U> contextualConsumer(BiConsumer<T, U> consumer) {
        return consumer;
    }

    @Override
    public <T> Consumer<T> contextualConsumer(Consumer<T> consumer) {
        return consumer;
    }

    @Override
    public <T, U, R> BiFunction<T, U, R> contextualFunction(BiFunction<T, U, R> function) {
        return function;
    }

    @Override
    public <T, R> Function<T, R> contextualFunction(Function<T, R> function) {
        return function;
    }

    @Override
    public Runnable contextualRunnable(Runnable runnable) {
        return runnable;
    }

    @Override
    public <R> Supplier<R> contextualSupplier(Supplier<R> supplier) {
        return supplier;
    }

    @Override
    public <T> T createContextualProxy(T instance, Class<T> intf) {
        return instance;
    }

    @Override
    public Object createContextualProxy(Object instance, Class<?>... interfaces) {
        return Proxy.newProxyInstance(instance.getClass().getClassLoader(), interfaces,
                (proxy, method, args) -> method.invoke(instance, args));
    }

    @Override
    public <T> T createContextualProxy(T instance, Map<String, String> executionProperties, Class<T> intf) {
        return instance;
    }

    @Override
    public Object createContextualProxy(Object instance, Map<String, String> executionProperties, Class<?>... interfaces) {
        return createContextualProxy(instance, interfaces);
    }

    @Override
    public Executor currentContextExecutor() {
        return Runnable::run;
    }

    @Override
    public Map<String, String> getExecutionProperties(Object contextualProxy) {
        return Map.of();
    }

    @Override
    public <T> CompletableFuture<T> withContextCapture(CompletableFuture<T> stage) {
        return stage;
    }

    @Override
    public <T> CompletionStage<T> withContextCapture(CompletionStage<T> stage) {
        return stage;
    }
}
