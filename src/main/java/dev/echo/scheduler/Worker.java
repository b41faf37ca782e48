package dev.echo.scheduler;

import dev.echo.metrics.TaskObserver;
import dev.echo.metrics.WorkerStats;
import dev.echo.queue.StealingQueue;
import dev.echo.task.Outcome;
import dev.echo.task.Job;
import dev.echo.task.Priority;

import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * 128 bytes ahead of a worker's per-task-written fields ({@link WorkerHotFields}). Objects sit
 * wherever the allocator and the collector's copying put them, and without the pads another
 * object's data read or written on every task (the scheduler's configuration, another worker's
 * fields) could share a cache line — or the pair an Intel core fetches together — with them.
 * async-profiler on a slow B2 fork (6.8 M against 10 M leaves/s, same code) had 7 % of the
 * samples on reading {@code Scheduler.capacity} in {@code leftQueue}, none on a fast one.
 */
@SuppressWarnings("unused")
abstract class WorkerLeadingPad {
    int p;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The fields a worker writes on every task; owner only (see {@link Worker}'s invariants). */
abstract class WorkerHotFields extends WorkerLeadingPad {
    /**
     * The worker's notion of now, set at the end of each task and after idling: a real clock
     * reading if {@code clockPrecise}, else the coarse clock's (at most a tick behind). Owner only.
     */
    long clock;
    /** Whether {@code clock} is a {@link System#nanoTime()} reading (a timed task's start may reuse it). Owner only. */
    boolean clockPrecise = true;
    /**
     * The priority level of the task running now, or -1; owner only (see {@link Worker}'s class
     * comment). A level, not the task: see {@link Worker#runTask}.
     */
    int currentLevel = -1;
    /** Finished tasks not yet subtracted from the scheduler's pending count; owner only. */
    long unflushedFinished;
    /** When this worker next looks for aged tasks ({@link System#nanoTime()}); owner only. */
    long nextAgingCheck;
    /**
     * Never used: they fill the bytes beside {@code clockPrecise}, where the JVM would otherwise
     * put small fields of {@link Worker} among these (PaddingLayoutTest).
     */
    @SuppressWarnings("unused")
    private boolean h1, h2, h3;
}

/**
 * 128 bytes between a worker's per-task fields and the rest of its fields. A class of its own:
 * within one class the JVM orders fields as it likes (JDK 17 puts longs first, JDK 25 references),
 * but a superclass's fields always come first.
 */
@SuppressWarnings("unused")
abstract class WorkerTrailingPad extends WorkerHotFields {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * One worker thread's loop: find the most urgent visible task (after letting aged lower-priority
 * tasks through), run it, account for it, clear per-task thread state; when nothing is visible,
 * search briefly, then park until woken.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A regular worker owns a deque per level; a spare and the urgent thread's worker own none
 *       ({@code spare}); the urgent thread's worker ({@code urgent}) takes only HIGH tasks and
 *       parks on its {@link UrgentThread}'s flag instead of retiring.</li>
 *   <li>Only this worker's thread calls {@link #run} and everything it calls, except
 *       {@link #interrupt}, {@link #thread} and the {@code sleeping} flag.</li>
 *   <li>{@code sleeping} is written only under {@link IdleWorkers}' lock and read by this
 *       worker without it (volatile): the worker waits while it is {@code true}.</li>
 *   <li>{@code currentLevel} is the level of the task running now, or -1; only this worker reads it
 *       (for {@link Scheduler#currentPriority()}), so it is a plain field: no fence per task.
 *       shutdownNow interrupts every worker thread instead (as {@code ThreadPoolExecutor} does);
 *       an idle worker swallows that interrupt before parking, a worker between tasks clears it
 *       before the next task.</li>
 *   <li>{@code clock}, {@code clockPrecise}, {@code forkStamps} and {@code untimedEnds} are the worker's own (plain
 *       fields): a task is timed when its queueing stamp is precise ({@link CoarseClock#stamp}),
 *       else the worker's clock is the coarse clock's reading (one volatile read per task).</li>
 *   <li>A task's failure never escapes {@link #runTask}: the worker survives every task. What
 *       is thrown outside a body (the observer, an OutOfMemoryError in bookkeeping) is logged
 *       and the worker goes on; a task that ended is counted finished before anything that can
 *       throw, and a worker whose thread ends anyway flushes its count first, so a stop always
 *       terminates.</li>
 *   <li>What the worker writes on every task ({@link WorkerHotFields}, the counters of its
 *       {@code stats}, the sampling and served arrays) has 128 bytes of padding on each side,
 *       so no other thread's data shares its cache lines (PaddingLayoutTest checks the layout).</li>
 * </ul>
 */
final class Worker extends WorkerTrailingPad implements Runnable, StealingQueue.StealObserver {

    /** Padding, in elements, on each side of the data of a per-task-written long[] (128 bytes). */
    static final int LONG_PAD = 16;
    /** The same for a boolean[]. */
    static final int BOOLEAN_PAD = 128;

    private static final Logger LOG = Logger.getLogger(Worker.class.getName());

    /** The worker running on the current thread, if it is a scheduler worker. */
    static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    /** Finished tasks a busy worker reports to the scheduler at once (see {@link #runTask}). */
    private static final int FLUSH_BATCH = 64;

    /**
     * Counts a worker without credits takes in advance for its forks, with one CAS on the shared
     * pending count instead of one per fork. Half the flush batch: the credits it leaves do not
     * trigger a flush by themselves.
     */
    private static final int CREDIT_BATCH = FLUSH_BATCH / 2;

    /** How long a worker idles before it gives grown rings back ({@link #parkWhileSleeping}). */
    static final long TRIM_AFTER_IDLE_NANOS = 1_000_000_000L;

    /** Upper bound of the interval between two looks for aged tasks. */
    private static final long MAX_AGING_CHECK_INTERVAL = 5_000_000L; // 5 ms

    /**
     * Rounds of looking at all queues before a searching worker parks (well under a
     * microsecond each). Kept short: on a 2-core machine the JMH smoke benchmark with one
     * outside submitter ran at ~3.5 M tasks/s with 64 rounds and ~6.2 M with 4-8 (a searcher
     * spinning on the injector's indices slows the submitter that writes them).
     */
    private static final int SPIN_ROUNDS = 8;

    final Scheduler scheduler;
    /** A regular worker's slot (0..workerCount-1); a spare's is beyond them and owns no deque. */
    final int index;
    /** A spare (see {@link Spares}): no deque of its own, never parks, retires when idle. */
    final boolean spare;
    /**
     * The urgent thread's worker (see {@link UrgentThread}; also a {@code spare}: no deque of its
     * own): runs only the most urgent level, and parks instead of retiring.
     */
    final boolean urgent;
    /** The level the urgent thread serves. */
    static final int URGENT_LEVEL = Priority.HIGH.level();
    final WorkerStats stats = new WorkerStats();
    private final StealingQueue<Job> queue;
    private final IdleWorkers idle;
    /** Wait after which a lower-priority task is served first ({@link #promotionNanos}). */
    private final long agingNanos;
    private final long agingCheckInterval;
    /** The coarse clock, or {@code null} when the ageing threshold is too short for it: every stamp is precise then. */
    private final CoarseClock coarse;
    /** The sampling state of this worker's fork stamps ({@link CoarseClock#stamp}); owner only. */
    private final long[] forkStamps = new long[2 + 2 * LONG_PAD];
    /** The same for the real clock reads at the end of untimed tasks ({@link #advanceClock}); owner only. */
    private final long[] untimedEnds = new long[2 + 2 * LONG_PAD];
    private final int levels;
    private Thread thread;
    /** Optional; final, so reading it costs the hot path nothing but a null check. */
    private final TaskObserver observer;
    /** Written under IdleWorkers' lock; see class comment. */
    volatile boolean sleeping;
    /**
     * Per queue ({@code level * (rings + workers) + ring}, then {@code + rings + worker}): the head
     * this worker saw there at its previous look for aged tasks ({@link #pollAged}); owner only.
     * Cleared when the worker idles, so it keeps no finished task reachable.
     */
    private final Job[] headsSeen;
    /**
     * Per level: whether this worker started a task of that level since its last look for aged
     * tasks, and the newest queueing stamp among them; the look works on a copy
     * ({@code look...}). Owner only.
     */
    private final boolean[] servedAny;
    private final long[] newestServed;
    private final boolean[] lookServedAny;
    private final long[] lookNewestServed;

    Worker(Scheduler scheduler, int index, StealingQueue<Job> queue, IdleWorkers idle, long agingNanos,
            TaskObserver observer, boolean spare) {
        this(scheduler, index, queue, idle, agingNanos, observer, spare, false);
    }

    Worker(Scheduler scheduler, int index, StealingQueue<Job> queue, IdleWorkers idle, long agingNanos,
            TaskObserver observer, boolean spare, boolean urgent) {
        this.scheduler = scheduler;
        this.spare = spare || urgent;
        this.urgent = urgent;
        this.observer = observer;
        this.index = index;
        this.queue = queue;
        this.idle = idle;
        this.agingCheckInterval = checkIntervalNanos(agingNanos);
        this.agingNanos = promotionNanos(agingNanos);
        this.levels = queue.levels();
        this.headsSeen = new Job[levels * (queue.rings() + queue.workers())];
        this.servedAny = new boolean[levels + 2 * BOOLEAN_PAD];
        this.newestServed = new long[levels + 2 * LONG_PAD];
        this.lookServedAny = new boolean[levels];
        this.lookNewestServed = new long[levels];
        this.coarse = scheduler.coarseClock();
        this.clock = System.nanoTime();
        this.nextAgingCheck = clock;
    }

    void attach(Thread t) {
        this.thread = t;
    }

    Thread thread() {
        return thread;
    }

    /** {@code false} once the worker's thread has ended (threads start in the scheduler's constructor). */
    boolean isAlive() {
        return thread.isAlive();
    }

    /** How often a busy worker looks for aged tasks, for an ageing threshold (deadline). */
    static long checkIntervalNanos(long thresholdNanos) {
        return Math.max(1, Math.min(thresholdNanos / 8, MAX_AGING_CHECK_INTERVAL));
    }

    /**
     * How long a task waits before it is promoted. The threshold is a deadline for the task to
     * <em>start</em>: promotion happens three check intervals earlier, because a look may come an
     * interval late and a head must be seen at two looks in a row ({@link #pollAged}).
     */
    static long promotionNanos(long thresholdNanos) {
        return Math.max(1, thresholdNanos - 3 * checkIntervalNanos(thresholdNanos));
    }

    /** The priority of the task running on this worker now, or {@code null}. */
    Priority currentPriority() {
        int level = currentLevel;
        return level < 0 ? null : Priority.ofLevel(level);
    }

    @Override
    public void run() {
        CURRENT.set(this);
        Thread self = Thread.currentThread();
        ClassLoader baseLoader = self.getContextClassLoader();
        String baseName = self.getName();
        int basePriority = self.getPriority();
        try {
            while (true) {
                try {
                    Job task = findTask();
                    if (task == null) {
                        task = awaitTask();
                        if (task == null) {
                            return; // the scheduler has terminated
                        }
                        idled(); // the clock is stale, and the first task after idling is timed
                    }
                    runTask(task);
                    restoreThreadState(self, baseLoader, baseName, basePriority);
                } catch (Throwable outside) {
                    // Something outside any task body threw (an OutOfMemoryError in bookkeeping,
                    // say). runTask has accounted for its task already; a dead worker would strand
                    // its deque and, with unflushed finishes, hang the stop: log and go on.
                    LOG.log(Level.SEVERE, "Echo worker " + self.getName() + ": error outside a task; the worker goes on",
                            outside);
                    idled();
                }
            }
        } finally {
            flushFinished(); // if this thread ends anyway, its finished tasks still count for termination
            CURRENT.remove();
            scheduler.workerExited(this);
        }
    }

    private void observe(Priority priority, long waitNanos, long runNanos) {
        try {
            observer.ran(priority, waitNanos, runNanos);
        } catch (Throwable e) {
            // An observer is not a task: whatever it throws, even an Error, must not cost the worker.
            LOG.log(Level.WARNING, "Echo's task observer " + observer + " threw; the worker goes on", e);
        }
    }

    /** After idling (or an error outside a task): a fresh real clock. */
    private void idled() {
        clock = System.nanoTime();
        clockPrecise = true;
    }

    /**
     * The queueing stamp of a task this worker forks now (see {@link CoarseClock#stamp}). Owner
     * thread only.
     */
    long forkStamp() {
        return coarse == null ? CoarseClock.precise() : coarse.stamp(forkStamps, LONG_PAD);
    }

    /**
     * Runs one task and accounts for it. Every task is counted; a task is <em>timed</em> (its wait
     * and run time recorded and told to the observer) when its queueing stamp is precise: every
     * task of a queue that hands out fewer than {@value CoarseClock#PRECISE_PER_TICK} stamps per
     * millisecond, the first ones of each millisecond of a busier queue ({@link CoarseClock#stamp}).
     * A clock read costs ~35 ns on a VM: one per task on each side was half of B1's cost over
     * ForkJoinPool's. Untimed tasks leave the coarse clock's reading as the worker's notion of now
     * (ageing needs no more: see CoarseClock).
     */
    private void runTask(Job task) {
        Priority priority = task.priority();
        boolean resumption = task.isResumption();
        boolean timed = !resumption && CoarseClock.isPrecise(task.queuedAtNanos());
        long start = 0;
        long wait = 0;
        if (timed) {
            // the end of the previous timed task, or of idling: one clock read per timed task then
            start = clockPrecise ? clock : System.nanoTime();
            // 'start' may predate the enqueue (a task queued while this worker was searching): 0 then
            wait = Math.max(0, start - task.queuedAtNanos());
        }
        if (!resumption) {
            served(priority.level(), task.queuedAtNanos());
            stats.dequeued(priority);
            if (timed) {
                stats.recordWait(priority, wait);
            }
            scheduler.leftQueue();
        }
        scheduler.taskStarting(); // compensation's watch: armed when this task makes every worker busy
        Outcome outcome;
        // A level, not the task: a reference stored into this long-lived (old-generation) object
        // costs G1's post-write barrier its StoreLoad fence on every task (JFR: 9 % of B2's
        // samples were on that store); an int store costs nothing.
        currentLevel = priority.level();
        try {
            outcome = task.execute();
        } catch (Throwable severe) {
            // Only a VirtualMachineError gets here (the task already failed its future with it).
            // Keep serving: a dead worker would strand every task queued behind it.
            LOG.log(Level.SEVERE, "task " + task + " failed with a virtual machine error; the worker goes on", severe);
            outcome = Outcome.FAILED;
        } finally {
            currentLevel = -1;
        }
        if (outcome == Outcome.SUSPENDED) {
            scheduler.suspended(task);
            return; // not finished: it comes back when its stage completes
        }
        // The task has ended: whatever the bookkeeping below throws, it is counted as finished
        // (termination waits for exactly the accepted tasks that have not ended).
        unflushedFinished++;
        try {
            long end = timed ? System.nanoTime() : 0;
            advanceClock(end, timed);
            if (timed && outcome != Outcome.CANCELLED) {
                stats.recordRun(priority, end - start);
                if (observer != null) {
                    observe(priority, wait, end - start);
                }
            }
            switch (outcome) {
                case COMPLETED -> stats.completed(priority);
                case FAILED -> stats.failed(priority);
                default -> stats.cancelled(priority);
            }
        } finally {
            // Batch the decrement of the scheduler's shared pending count: one contended atomic
            // per batch instead of per task. Flushed when idle, and at once while shutting down.
            if (unflushedFinished >= FLUSH_BATCH || scheduler.isShuttingDown()) {
                flushFinished();
            }
        }
    }

    /**
     * At the end of a task, the worker's clock: the real end of a timed task; else the coarse
     * reading (which keeps the coarse clock ticking), or the real clock when the coarse one does
     * not tick (counted: many such reads in a millisecond wake it).
     */
    private void advanceClock(long end, boolean timed) {
        if (timed) {
            clock = end;
            clockPrecise = true;
            return;
        }
        long reading = coarse == null ? CoarseClock.INVALID : coarse.readingAtUntimedEnd();
        if (reading != CoarseClock.INVALID) {
            clock = reading;
            clockPrecise = false;
            return;
        }
        clock = System.nanoTime();
        clockPrecise = true;
        if (coarse != null) {
            coarse.countRealReading(untimedEnds, LONG_PAD, clock); // a flood of such ends wakes the clock
        }
    }

    /**
     * Lets a task forked by this worker be accounted with one finished task not yet subtracted
     * from the scheduler's pending count (see RunState's invariants). Owner thread only.
     */
    boolean takeFinishedCredit() {
        if (unflushedFinished > 0) {
            unflushedFinished--;
            return true;
        }
        // While running, buy a batch: one shared CAS for CREDIT_BATCH forks. During a stop every
        // count is flushed after each task anyway, so buy only the one needed then.
        if (!scheduler.isShuttingDown() && scheduler.acceptInAdvance(CREDIT_BATCH)) {
            unflushedFinished += CREDIT_BATCH - 1;
            return true;
        }
        return false;
    }

    /** Gives back a credit taken for a fork that was then rejected. Owner thread only. */
    void returnFinishedCredit() {
        unflushedFinished++;
    }

    private void flushFinished() {
        if (unflushedFinished != 0) {
            long n = unflushedFinished;
            unflushedFinished = 0;
            scheduler.finished(n);
        }
    }

    /**
     * Per-task thread state never reaches the next task: the interrupt flag (also cleared by
     * the cancel protocol), the context class loader, the thread's name and priority.
     */
    private static void restoreThreadState(Thread self, ClassLoader loader, String name, int priority) {
        Thread.interrupted();
        if (self.getContextClassLoader() != loader) {
            self.setContextClassLoader(loader);
        }
        if (!self.getName().equals(name)) {
            self.setName(name);
        }
        if (self.getPriority() != priority) {
            self.setPriority(priority);
        }
    }

    /** The next task for this worker, or {@code null} if none is visible. */
    private Job findTask() {
        if (urgent) {
            return queue.pollLevelHelper(URGENT_LEVEL, this, index); // HIGH only: nothing is promoted for it
        }
        if (levels > 1 && clock - nextAgingCheck >= 0) {
            nextAgingCheck = clock + agingCheckInterval;
            Job aged = pollAged(clock);
            if (aged != null) {
                return aged;
            }
        }
        return spare ? queue.pollHelper(this, index) : queue.poll(index, this);
    }

    /**
     * Anti-starvation: a lower-priority task at the head of a submission queue, of this worker's
     * own deque or of another worker's deque is served before fresher, more urgent work once it
     * has waited the promotion time <em>and</em> starves: the head of its queue has not moved
     * since this worker's previous look, and this worker has not been serving older tasks of its
     * level meanwhile (see {@link #starving}). Other workers' deques count too: a worker that forked a LOW task and
     * then blocks (or runs a long task) would otherwise hold it past any bound while the rest of
     * the pool serves a flood. A queue whose head moves is being served: its aged head waits
     * behind its own backlog, not behind more urgent work, and promoting it would only make a
     * HIGH task wait for it (B3: with a LOW backlog deeper than the threshold every LOW task is
     * aged, and one was served before a waiting HIGH task every check interval). Lowest level
     * first, because those are the ones a flood starves. Checked at most every
     * {@code agingCheckInterval} using the worker's clock from the end of its last task, so a
     * busy worker reads no extra clock: an aged task starts within promotion + two intervals +
     * one task (promotion is three intervals before the threshold).
     */
    private Job pollAged(long now) {
        int workers = queue.workers();
        int rings = queue.rings();
        // what this worker started since its previous look, per level; then a fresh record
        System.arraycopy(servedAny, BOOLEAN_PAD, lookServedAny, 0, levels);
        System.arraycopy(newestServed, LONG_PAD, lookNewestServed, 0, levels);
        java.util.Arrays.fill(servedAny, BOOLEAN_PAD, BOOLEAN_PAD + levels, false);
        for (int level = levels - 1; level >= 1; level--) {
            int base = level * (rings + workers);
            for (int r = 0; r < rings; r++) {
                Job head = queue.peekSubmitted(level, r);
                if (starving(base + r, level, head, now)) {
                    Job t = queue.pollSubmitted(level, r);
                    if (t != null) {
                        return t;
                    }
                }
            }
            // own deque first, then the others, starting after this worker so no victim is favoured
            for (int i = 0; i < workers; i++) {
                int w = (index + i) % workers;
                Job head = queue.peekLocal(w, level);
                if (starving(base + rings + w, level, head, now)) {
                    Job t = queue.pollLocal(w, level);
                    if (t != null) {
                        if (w != index) {
                            stats.increment(WorkerStats.STEALS);
                        }
                        return t;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code head}, now at the head of queue {@code slot} of {@code level}, starves: it
     * has waited the promotion time, it was at the head at this worker's previous look too, and
     * since that look this worker started no task of its level, or only younger ones (it is
     * being passed over). A head that waits behind tasks of its level that are older than it —
     * its own backlog, taken in a batch into a deque — is not starving: its level is being
     * served in order. Remembers the head for the next look.
     */
    private boolean starving(int slot, int level, Job head, long now) {
        Job before = headsSeen[slot];
        headsSeen[slot] = head;
        if (head == null || head != before || now - head.queuedAtNanos() < agingNanos) {
            return false;
        }
        return !lookServedAny[level] || lookNewestServed[level] - head.queuedAtNanos() > 0;
    }

    /** Records a task of {@code level} queued at {@code queuedAt} as started by this worker (for {@link #starving}). */
    private void served(int level, long queuedAt) {
        if (!servedAny[BOOLEAN_PAD + level] || queuedAt - newestServed[LONG_PAD + level] > 0) {
            newestServed[LONG_PAD + level] = queuedAt;
        }
        servedAny[BOOLEAN_PAD + level] = true;
    }

    /**
     * Nothing visible: search for a few rounds (if not too many others search already), then
     * park until a submission or the scheduler's termination wakes us. Returns a task, or
     * {@code null} once the scheduler has terminated. See {@link IdleWorkers} for the protocol.
     */
    private Job awaitTask() {
        flushFinished(); // before going idle: termination must not wait for our batch
        if (urgent) {
            return awaitUrgentWork(); // it reads no level hints and remembers no heads
        }
        java.util.Arrays.fill(headsSeen, null); // keep no task reachable while idle
        queue.clearHintsIfEmpty(); // levels found empty are skipped by busy workers' polls
        if (spare) {
            // A spare never parks: a short look, then it retires (it was only needed while others blocked).
            for (int round = 0; round < SPIN_ROUNDS; round++) {
                Job t = findTask();
                if (t != null || scheduler.isQuiescent()) {
                    return t;
                }
                Thread.onSpinWait();
            }
            return null;
        }
        boolean searching = idle.tryStartSearching();
        while (true) {
            if (searching) {
                for (int round = 0; round < SPIN_ROUNDS; round++) {
                    Job t = findTask();
                    if (t != null) {
                        foundWhileSearching();
                        return t;
                    }
                    if (scheduler.isQuiescent()) {
                        return null;
                    }
                    Thread.onSpinWait();
                }
            }
            if (!idle.announcePark(this, searching)) {
                return null; // closed: the scheduler terminated
            }
            searching = false;
            Job t = findTask(); // the second look that makes lost wake-ups impossible
            if (t != null) {
                if (!idle.cancelPark(this)) {
                    foundWhileSearching(); // a waker beat us: we count as searching
                }
                return t;
            }
            if (scheduler.isQuiescent()) {
                return null;
            }
            stats.increment(WorkerStats.PARKS);
            parkWhileSleeping();
            if (scheduler.isQuiescent()) {
                return null;
            }
            stats.increment(WorkerStats.UNPARKS);
            searching = true; // the waker counted us as a searcher
        }
    }

    /**
     * The urgent thread's idling: parks until a HIGH task published while every worker is busy
     * wakes it ({@link UrgentThread}, whose invariants say why no wake-up is lost). Returns a
     * task, or {@code null} once the scheduler has terminated.
     */
    private Job awaitUrgentWork() {
        UrgentThread lane = scheduler.urgentThread();
        while (true) {
            lane.announceWait();
            Job t = findTask();
            if (t != null) {
                lane.cancelWait();
                return t;
            }
            if (scheduler.isQuiescent()) {
                return null;
            }
            stats.increment(WorkerStats.PARKS);
            while (lane.isWaiting() && !scheduler.isQuiescent()) {
                LockSupport.park(this);
                Thread.interrupted(); // a stray interrupt must not turn parking into spinning
            }
            if (scheduler.isQuiescent()) {
                return null;
            }
            stats.increment(WorkerStats.UNPARKS);
        }
    }

    /**
     * Parks until woken. A worker whose rings (or the submission rings) grew gives the memory back
     * once it has been idle for {@link #TRIM_AFTER_IDLE_NANOS}: one timed park, then an untimed
     * one, so an idle pool still wakes no thread periodically. Not sooner: trimming on every drain
     * made a busy fan-out reallocate its large rings many times a second.
     */
    private void parkWhileSleeping() {
        boolean trimmed = !queue.hasGrownRings(index);
        long parkedAt = trimmed ? 0 : System.nanoTime();
        while (sleeping) {
            if (trimmed) {
                LockSupport.park(this);
            } else {
                long left = TRIM_AFTER_IDLE_NANOS - (System.nanoTime() - parkedAt);
                if (left <= 0) {
                    queue.trimIdle(index); // we are the owner of our rings, and idle
                    trimmed = true;
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
            Thread.interrupted(); // a stray interrupt must not turn parking into spinning
        }
    }

    /**
     * We found a task while counted as searching. If we were the last searcher and more work is
     * visible, wake one more worker for it; if nothing more is visible, waking one would only put
     * an unpark (a system call) on the path to running our task — and no work can be missed: a
     * submission after our {@code stopSearching} sees no searcher and wakes a worker itself, and
     * one before it is visible to our look at the queues.
     */
    private void foundWhileSearching() {
        if (idle.stopSearching() && queue.hasVisibleItems()) {
            idle.notifyOne();
        }
    }

    /** Interrupts this worker's thread, so that a running task sees it (shutdownNow). */
    void interrupt() {
        thread.interrupt();
    }

    @Override
    public void stole(int thief, int victim, int level, int items) {
        stats.increment(WorkerStats.STEALS);
    }
}
