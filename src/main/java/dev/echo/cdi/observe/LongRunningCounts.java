package dev.echo.cdi.observe;

/** What the metrics export of long-running tasks (the executor runs them on threads of their own). */
public interface LongRunningCounts {

    /** None: no long-running tasks are tracked. */
    LongRunningCounts NONE = new LongRunningCounts() {
        @Override
        public long active() {
            return 0;
        }

        @Override
        public long started() {
            return 0;
        }

        @Override
        public long rejected() {
            return 0;
        }
    };

    /** Running now. */
    long active();

    /** Started since the application started. */
    long started();

    /** Refused: the application was stopping, or the cap was reached. */
    long rejected();
}
