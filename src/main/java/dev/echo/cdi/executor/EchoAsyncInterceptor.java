package dev.echo.cdi.executor;

import dev.echo.cdi.EchoAsync;
import dev.echo.scheduler.Scheduler;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs {@link EchoAsync} methods on Echo. The invocation continues (to the Fault Tolerance
 * interceptors, then the bean) on an Echo worker, with the caller's container context captured
 * now; the caller gets a {@link ManagedFuture} at once.
 */
@EchoAsync
@Interceptor
@jakarta.annotation.Priority(Interceptor.Priority.PLATFORM_BEFORE + 5)
public class EchoAsyncInterceptor {

    @Inject
    ApplicationScheduler runtime;

    @AroundInvoke
    public Object async(InvocationContext invocation) throws Exception {
        Method method = invocation.getMethod();
        Class<?> returns = method.getReturnType();
        boolean isVoid = returns == void.class;
        if (!isVoid && !returns.isAssignableFrom(CompletableFuture.class)) {
            throw new UnsupportedOperationException("@EchoAsync method " + method + " must return void, CompletionStage or"
                    + " CompletableFuture, not " + returns.getName());
        }
        dev.echo.task.Priority priority = priorityOf(invocation);
        Callable<Object> contextual = runtime.prepare(invocation::proceed, priority,
                method.getDeclaringClass().getName() + "#" + method.getName(), 0);
        ManagedFuture<Object> result = runtime.view(priority).newFuture(priority);
        Scheduler scheduler = runtime.scheduler();
        CompletableFuture<Object> task = scheduler.submitAsync(() -> {
            try {
                Object returned = contextual.call();
                if (returned == null) {
                    return CompletableFuture.completedFuture(null);
                }
                @SuppressWarnings("unchecked")
                CompletionStage<Object> stage = (CompletionStage<Object>) returned;
                return stage;
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }, priority);
        result.mirror(task);
        result.attach(task);
        return isVoid ? null : result;
    }

    private static dev.echo.task.Priority priorityOf(InvocationContext invocation) {
        EchoAsync onMethod = invocation.getMethod().getAnnotation(EchoAsync.class);
        if (onMethod != null) {
            return onMethod.priority();
        }
        Class<?> type = invocation.getMethod().getDeclaringClass();
        EchoAsync onType = type.getAnnotation(EchoAsync.class);
        if (onType == null && invocation.getTarget() != null) {
            onType = invocation.getTarget().getClass().getAnnotation(EchoAsync.class);
        }
        return onType != null ? onType.priority() : dev.echo.task.Priority.NORMAL;
    }
}
