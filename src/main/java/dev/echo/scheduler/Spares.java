package dev.echo.scheduler;

import dev.echo.task.Job;
import dev.echo.metrics.TaskObserver;
import dev.echo.metrics.WorkerStats;
import dev.echo.queue.StealingQueue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compensation for blocked workers. Tasks in an EE application block (JDBC, remote calls, tasks
 * waiting for each other), and a pool sized to the CPUs can then stall with work queued. When
 * every worker is busy, tasks are queued and no task has started for the stall threshold, a
 * <em>spare</em> worker is started from the scheduler's thread factory; spares take work from
 * the global injectors and other workers' deques (they own no deque), and retire as soon as they
 * find nothing to do. At most {@code maxSpares} run at once ({@code maxWorkers - workerCount}).
 * Code that knows it will block asks for a spare at once through
 * {@link Scheduler#managedBlock(java.util.concurrent.ForkJoinPool.ManagedBlocker)}.
 * The same budget pays for the {@link UrgentThread} (one unit for its life, once it is made).
 *
 * <h2>How a stall is seen, without a cost per task</h2>
 * A submission that finds no worker parked or searching (all busy), or a worker that starts a
 * task while every worker is busy, arms the watch: one read of {@code armed} per task, a CAS only
 * when it is not armed already. The watch runs on the timer thread (an
 * internal timer entry: it is not a task, is not counted, and does not delay termination) every
 * stall threshold while work is queued; it sums the workers' single-writer "tasks started"
 * counters and compares with the sum a threshold ago. Unchanged, all workers still busy and work
 * still queued: a spare starts. No work queued: the watch disarms (the next all-busy submission
 * arms it again). An idle pool therefore has no watch running.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code running} (CAS loop) counts the live spares and the urgent thread once made, and never
 *       exceeds {@code maxSpares}; it is raised before such a thread is made and lowered when
 *       that thread ends or could not start. The urgent thread holds no slot, so a spare that
 *       won a unit always finds a free one.</li>
 *   <li>A slot ({@code occupied}, CAS 0 → 1) holds at most one live spare thread; its
 *       {@link Worker} (and statistics) is kept after the thread ends, so counts never go
 *       missing from the metrics, and reused by the next spare in that slot.</li>
 *   <li>{@code armed} is true from the submission that armed the watch until the watch, on the
 *       timer thread, finds no work queued. {@code baseline} is written only by the thread that
 *       won the arming CAS (before it schedules the first check, which happens-after that) and by
 *       the checks, which run one after another on the timer thread.</li>
 * </ul>
 */
final class Spares {

    private static final Logger LOG = Logger.getLogger(Spares.class.getName());

    private final Scheduler scheduler;
    private final StealingQueue<Job> queue;
    private final IdleWorkers idle;
    private final Worker[] workers;
    private final int maxSpares;
    /** The stall threshold, or 0: no watch (spares only through managedBlock). */
    private final long stallNanos;
    private final long agingNanos;
    private final TaskObserver observer;
    private final AtomicReferenceArray<Worker> slots;
    private final AtomicIntegerArray occupied;
    /** Spares running now; see class invariants. */
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong started = new AtomicLong();
    /** Whether the watch is scheduled; see class invariants. */
    private final AtomicBoolean armed = new AtomicBoolean();
    /** Tasks started by all workers at the previous look; see class invariants. */
    private long baseline;
    private volatile boolean warnedNoTimer;
    /** Runs HIGH tasks while every worker is busy; takes a unit of this budget once made. */
    private final UrgentThread urgent;

    Spares(Scheduler scheduler, StealingQueue<Job> queue, IdleWorkers idle, Worker[] workers, int maxSpares,
           long stallNanos, long agingNanos, TaskObserver observer) {
        this.scheduler = scheduler;
        this.queue = queue;
        this.idle = idle;
        this.workers = workers;
        this.maxSpares = maxSpares;
        this.stallNanos = stallNanos;
        this.agingNanos = agingNanos;
        this.observer = observer;
        this.slots = new AtomicReferenceArray<>(maxSpares);
        this.occupied = new AtomicIntegerArray(maxSpares);
        this.urgent = new UrgentThread(scheduler, this,
                new Worker(scheduler, workers.length + maxSpares, queue, idle, agingNanos, observer, true, true));
    }

    /** The urgent thread (made on first need). */
    UrgentThread urgent() {
        return urgent;
    }

    /** Whether there is a stall watch at all (a stall threshold was set). */
    boolean watching() {
        return stallNanos > 0;
    }

    /** Whether the watch is scheduled (a worker starting a task reads this, nothing more, while it is). */
    boolean isArmed() {
        return armed.get();
    }

    /** A submission, or a worker starting a task, found every worker busy: make sure the watch runs. */
    void stallPossible() {
        if (stallNanos <= 0 || armed.get() || !armed.compareAndSet(false, true)) {
            return;
        }
        baseline = tasksStarted();
        if (!scheduler.watchLater(this::check, stallNanos)) {
            armed.set(false);
            if (!warnedNoTimer) {
                warnedNoTimer = true;
                LOG.warning(() -> "Echo scheduler '" + scheduler.name() + "': no timer thread, so no compensation for "
                        + "blocked workers (the thread factory refused it)");
            }
        }
    }

    /** The watch, on the timer thread. */
    private void check() {
        try {
            if (!queue.hasVisibleItems() || scheduler.isQuiescent()) {
                armed.set(false);
                if (queue.hasVisibleItems() && !scheduler.isQuiescent()) {
                    stallPossible(); // work arrived while disarming: watch on
                }
                return;
            }
            long now = tasksStarted();
            if (now == baseline && idle.allBusy()) {
                startSpare("no task started for " + stallNanos / 1_000_000 + " ms while every worker was busy and work was queued");
            }
            baseline = now;
            if (!scheduler.watchLater(this::check, stallNanos)) {
                armed.set(false);
            }
        } catch (RuntimeException | Error e) {
            armed.set(false);
            LOG.log(Level.WARNING, "Echo scheduler '" + scheduler.name() + "': the stall watch failed; it re-arms on the next busy submission", e);
        }
    }

    /** A task is about to block (managedBlock): a spare at once if work is waiting. */
    void aboutToBlock() {
        if (queue.hasVisibleItems()) {
            startSpare("a task is about to block (managedBlock) while work is queued");
        } else {
            stallPossible(); // work that comes while it blocks will be watched for
        }
    }

    private long tasksStarted() {
        long sum = 0;
        for (Worker w : workers) {
            sum += started(w.stats);
        }
        for (int i = 0; i < maxSpares; i++) {
            Worker s = slots.get(i);
            if (s != null) {
                sum += started(s.stats);
            }
        }
        return sum + started(urgent.worker.stats);
    }

    private static long started(WorkerStats stats) {
        long n = 0;
        for (int l = 0; l < dev.echo.task.Priority.count(); l++) {
            n += stats.dequeued(l);
        }
        return n;
    }

    private void startSpare(String why) {
        if (scheduler.isQuiescent() || !reserve()) {
            return;
        }
        int slot = -1;
        for (int i = 0; i < maxSpares; i++) {
            if (occupied.compareAndSet(i, 0, 1)) {
                slot = i;
                break;
            }
        }
        if (slot < 0) { // cannot happen while running <= maxSpares; be safe
            running.decrementAndGet();
            return;
        }
        Worker spare = slots.get(slot);
        if (spare == null) {
            spare = new Worker(scheduler, workers.length + slot, queue, idle, agingNanos, observer, true);
            slots.set(slot, spare);
        }
        try {
            Thread t = scheduler.newThread(spare, "spare-" + slot);
            spare.attach(t);
            scheduler.spareStarting();
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                scheduler.spareExited();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            occupied.set(slot, 0);
            running.decrementAndGet();
            LOG.log(Level.WARNING, "Echo scheduler '" + scheduler.name() + "' could not start a spare worker", e);
            return;
        }
        started.incrementAndGet();
        int n = running.get();
        LOG.info(() -> "Echo scheduler '" + scheduler.name() + "': spare worker started (" + n + " of at most " + maxSpares
                + " running): " + why);
    }

    /** Takes a unit of the budget (a spare, or the urgent thread); false if none is free. */
    boolean reserve() {
        while (true) {
            int n = running.get();
            if (n >= maxSpares) {
                return false;
            }
            if (running.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a unit taken by {@link #reserve} (the urgent thread ended, or could not start). */
    void release() {
        running.decrementAndGet();
    }

    /** A spare's thread ended (it retired, or the scheduler terminated). */
    void exited(Worker spare) {
        occupied.set(spare.index - workers.length, 0);
        running.decrementAndGet();
    }

    int maxSpares() {
        return maxSpares;
    }

    int running() {
        return running.get();
    }

    long started() {
        return started.get();
    }

    /** The workers of every slot ever used, and the urgent thread's once made (their statistics count in the metrics). */
    java.util.List<Worker> everyUsedSlot() {
        java.util.List<Worker> used = new java.util.ArrayList<>();
        for (int i = 0; i < maxSpares; i++) {
            Worker s = slots.get(i);
            if (s != null) {
                used.add(s);
            }
        }
        if (urgent.started()) {
            used.add(urgent.worker);
        }
        return used;
    }

    /** shutdownNow: interrupts the spares running now. */
    void interruptAll() {
        for (int i = 0; i < maxSpares; i++) {
            Worker s = slots.get(i);
            if (s != null && occupied.get(i) == 1 && s.thread() != null) {
                s.interrupt();
            }
        }
        urgent.interrupt();
    }
}
