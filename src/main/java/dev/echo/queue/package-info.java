/**
 * The generic priority work-stealing structure: per worker and per priority level an SPMC ring
 * ({@link dev.echo.queue.LocalQueue}) its owner pushes to and others steal from, plus one global
 * injector per level for submissions from outside ({@link dev.echo.queue.StealingQueue}).
 *
 * <p><b>Internal.</b> Public only so that {@code dev.echo.scheduler} can use it; applications
 * never see it. <b>Depends on:</b> the JDK and JCTools only; it knows nothing of tasks, threads
 * or the scheduler (an architecture test enforces it). Read first: {@code StealingQueue}.
 */
package dev.echo.queue;
