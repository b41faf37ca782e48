package dev.echo.metrics;

/**
 * The fate of the tasks of one priority, as counted by a {@link SchedulerMetrics} snapshot.
 * Tasks run by the scheduler's timer thread ({@code Scheduler.onTimer}) count as HIGH.
 *
 * @param submitted tasks accepted at this priority (immediate and delayed)
 * @param completed tasks whose future completed with the body's value
 * @param failed    tasks whose body threw
 * @param cancelled tasks whose future was completed by someone else before or while they ran
 * @param rejected  submissions at this priority refused (shutdown or queue full)
 */
public record PriorityCounts(long submitted, long completed, long failed, long cancelled, long rejected) {

    public static final PriorityCounts EMPTY = new PriorityCounts(0, 0, 0, 0, 0);
}
