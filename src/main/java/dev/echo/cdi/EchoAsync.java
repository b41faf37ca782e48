package dev.echo.cdi;

import dev.echo.task.Priority;
import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a CDI bean method asynchronously on Echo, at {@link #priority()}, with the caller's
 * container context. The method returns {@code void}, {@code CompletionStage} or
 * {@code CompletableFuture}; the caller gets a future that completes when the stage the method
 * returned completes (the worker is released meanwhile).
 *
 * <p>The interceptor runs at {@code PLATFORM_BEFORE + 5}, before MicroProfile Fault Tolerance's
 * interceptors ({@code PLATFORM_AFTER + 10}), so {@code @Retry}, {@code @Timeout},
 * {@code @CircuitBreaker}, {@code @Fallback} and {@code @Bulkhead} run on the Echo worker and
 * apply per call. Liberty's own {@code @jakarta.enterprise.concurrent.Asynchronous} cannot target
 * a custom executor (CWWKC1402E), which is why this binding exists.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface EchoAsync {

    @Nonbinding
    Priority priority() default Priority.NORMAL;
}
