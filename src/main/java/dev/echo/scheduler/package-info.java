/**
 * The executor: {@link dev.echo.scheduler.Scheduler} (a complete {@code ExecutorService} with
 * priorities, delays, async tasks and a graceful stop) and
 * {@link dev.echo.scheduler.SchedulerBuilder}; inside, the workers, their parking protocol, the
 * timer thread for delayed tasks, and the run-state and termination accounting.
 *
 * <p><b>API:</b> {@code Scheduler}, {@code SchedulerBuilder}; everything else here is
 * package-private. <b>Depends on:</b> {@code dev.echo.queue}, {@code dev.echo.task},
 * {@code dev.echo.metrics} and the JDK; never on {@code jakarta.*}, MicroProfile or the action
 * system. Read first: {@code Scheduler}, then {@code Worker}.
 */
package dev.echo.scheduler;
