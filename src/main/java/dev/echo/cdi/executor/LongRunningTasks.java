package dev.echo.cdi.executor;

import dev.echo.cdi.observe.LongRunningCounts;
import dev.echo.task.Priority;
import dev.echo.task.Task;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tasks submitted with {@code ManagedTask.LONGRUNNING_HINT=true}: each runs on a thread of its
 * own from the container's {@code ManagedThreadFactory}, not on an Echo worker, so a long task
 * never takes a worker from short, prioritised work. Cancel interrupts it; the application's
 * stop interrupts every one still running.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>At most {@code max} run at once: {@code admitted} (a CAS loop) is raised before a thread
 *       is made and lowered when the task's thread ends or could not be started.</li>
 *   <li>Nothing is admitted once {@link #refuseNew} was called ({@code stopped} is volatile and
 *       read after {@code admitted} was raised; it is set before {@link #interruptRunning} reads
 *       {@code running}, so a task either sees it and backs out, or is in {@code running} when
 *       the interrupts go out).</li>
 *   <li>{@code running} holds the threads of admitted tasks that have started; stop interrupts
 *       them.</li>
 * </ul>
 */
final class LongRunningTasks implements LongRunningCounts {

    private final int max;
    private final ThreadFactory threads;
    private final String namePrefix;
    /** Guards the cap; see class invariants. */
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    /** Set once by refuseNew(); see class invariants. */
    private volatile boolean stopped;

    LongRunningTasks(int max, ThreadFactory threads, String namePrefix) {
        this.max = max;
        this.threads = threads;
        this.namePrefix = namePrefix;
    }

    /**
     * Starts {@code body} on a thread of its own.
     *
     * @throws RejectedExecutionException once the application is stopping, or with {@code max}
     *                                    long-running tasks already running
     */
    <T> Future<T> start(Callable<T> body, String identity) {
        if (!tryAdmit()) {
            rejected.incrementAndGet();
            throw new RejectedExecutionException(stopped
                    ? "Echo has stopped with its application: no new long-running task"
                    : "Echo already runs " + max + " long-running tasks (echo.long-running.max)");
        }
        Task<T> task = new Task<>(body, Priority.NORMAL, null);
        Thread thread;
        try {
            Thread[] self = new Thread[1];
            thread = threads.newThread(() -> {
                running.add(self[0]);
                try {
                    if (stopped) {
                        task.cancel(false); // the stop began before this thread ran
                    } else {
                        task.run();
                    }
                } finally {
                    running.remove(self[0]);
                    admitted.decrementAndGet();
                }
            });
            if (thread == null) {
                throw new IllegalStateException("the container's thread factory returned no thread");
            }
            self[0] = thread;
            try {
                thread.setName(namePrefix + "-long-" + (identity != null ? identity : thread.getId()));
            } catch (SecurityException ignored) {
                // keep the factory's name
            }
            thread.start();
        } catch (RuntimeException | Error e) {
            admitted.decrementAndGet();
            rejected.incrementAndGet();
            throw new RejectedExecutionException("Echo could not start a thread for a long-running task: " + e, e);
        }
        started.incrementAndGet();
        return task;
    }

    private boolean tryAdmit() {
        while (true) {
            long n = admitted.get();
            if (n >= max || stopped) {
                return false;
            }
            if (admitted.compareAndSet(n, n + 1)) {
                if (stopped) { // stop began meanwhile: back out (see class invariants)
                    admitted.decrementAndGet();
                    return false;
                }
                return true;
            }
        }
    }

    /** The application is stopping: no new long-running task from now on. */
    void refuseNew() {
        stopped = true;
    }

    /** Interrupts every running long-running task (after the drain); returns how many. */
    int interruptRunning() {
        refuseNew();
        int n = 0;
        for (Thread t : running) {
            t.interrupt();
            n++;
        }
        return n;
    }

    @Override
    public long active() {
        return admitted.get();
    }

    @Override
    public long started() {
        return started.get();
    }

    @Override
    public long rejected() {
        return rejected.get();
    }
}
