package dev.echo.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what one logger publishes while open, at {@code level} and above (the test logging
 * configuration shows only WARNING on the console); close restores the logger's level.
 * {@code try (LogCapture log = LogCapture.of(SomeClass.class, Level.INFO)) { ... }}
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previous;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Logger logger, Level level) {
        this.logger = logger;
        this.previous = logger.getLevel();
        logger.setLevel(level);
        handler.setLevel(level);
        logger.addHandler(handler);
    }

    public static LogCapture of(Class<?> loggerOf, Level level) {
        return new LogCapture(Logger.getLogger(loggerOf.getName()), level);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The raw messages of the records at exactly {@code level}. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
    }
}
