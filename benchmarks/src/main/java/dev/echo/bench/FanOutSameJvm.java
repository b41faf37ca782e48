package dev.echo.bench;

import dev.echo.task.Priority;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * B2's tree (2^20 leaves, every inner task forks two) run by two executors in one JVM, tree after
 * tree, alternating which goes first: the ratio of each pair is measured under the same machine
 * state. Separate JVMs (JMH forks) on this shared machine land in modes 2x apart for the same
 * code, so an A/B between forks needs many of them; this needs one JVM. Not a replacement for
 * B2 (JMH, {@link FanOutBenchmark}): a tool for deciding whether a change to the hot path is
 * worth its measurement there.
 *
 * <pre>
 * java -XX:+AlwaysPreTouch -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar dev.echo.bench.FanOutSameJvm \
 *     peers &lt;pairs&gt; &lt;workers&gt;                      # Echo (this jar) against ForkJoinPool (async mode)
 * java ... dev.echo.bench.FanOutSameJvm builds &lt;classesA&gt; &lt;classesB&gt; &lt;pairs&gt; &lt;workers&gt;
 *                                                   # two builds of Echo (target/classes of two checkouts)
 * </pre>
 * Prints the median of the per-pair ratios (second over first) over the last two thirds of the
 * pairs (the first third is warm-up), their quartiles, and each side's median in M leaves/s.
 */
public final class FanOutSameJvm {

    static final int DEPTH = 20;
    static final long LEAVES = 1L << DEPTH;

    private FanOutSameJvm() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 3 && args[0].equals("peers")) {
            int workers = Integer.parseInt(args[2]);
            Peers.Pool echo = Peers.ECHO.create(workers);
            Peers.Pool fjp = Peers.FORKJOIN_ASYNC.create(workers);
            try {
                report("ForkJoinPool async", "Echo", compare(task -> fjp.submit(task, Priority.NORMAL), task -> echo.submit(task, Priority.NORMAL),
                        Integer.parseInt(args[1])));
            } finally {
                echo.close();
                fjp.close();
            }
        } else if (args.length == 5 && args[0].equals("builds")) {
            int workers = Integer.parseInt(args[4]);
            Build a = Build.load(Path.of(args[1]), workers, "a");
            Build b = Build.load(Path.of(args[2]), workers, "b");
            try {
                report(args[1], args[2], compare(a.submitter, b.submitter, Integer.parseInt(args[3])));
            } finally {
                a.close();
                b.close();
            }
        } else {
            System.err.println("usage: FanOutSameJvm peers <pairs> <workers> | builds <classesA> <classesB> <pairs> <workers>");
            System.exit(2);
        }
    }

    /** Leaves per second of one tree, in millions. */
    static double tree(Consumer<Runnable> submit) throws InterruptedException {
        AtomicLong leaves = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        submit.accept(() -> split(submit, DEPTH, leaves, done));
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("lost leaves: " + leaves.get() + " of " + LEAVES);
        }
        return LEAVES / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static void split(Consumer<Runnable> submit, int depth, AtomicLong leaves, CountDownLatch done) {
        if (depth == 0) {
            if (leaves.incrementAndGet() == LEAVES) {
                done.countDown();
            }
            return;
        }
        submit.accept(() -> split(submit, depth - 1, leaves, done));
        submit.accept(() -> split(submit, depth - 1, leaves, done));
    }

    /** {first, second, second/first} per pair; the order within a pair alternates. */
    static double[][] compare(Consumer<Runnable> first, Consumer<Runnable> second, int pairs) throws InterruptedException {
        double[][] r = new double[3][pairs];
        for (int i = 0; i < pairs; i++) {
            if (i % 2 == 0) {
                r[0][i] = tree(first);
                r[1][i] = tree(second);
            } else {
                r[1][i] = tree(second);
                r[0][i] = tree(first);
            }
            r[2][i] = r[1][i] / r[0][i];
        }
        return r;
    }

    private static double[] sortedTail(double[] all) {
        double[] tail = Arrays.copyOfRange(all, all.length / 3, all.length);
        Arrays.sort(tail);
        return tail;
    }

    private static void report(String first, String second, double[][] r) {
        double[] a = sortedTail(r[0]);
        double[] b = sortedTail(r[1]);
        double[] ratio = sortedTail(r[2]);
        int n = ratio.length;
        System.out.printf(Locale.ROOT, "%s / %s: median %.3f (quartiles %.3f-%.3f) over %d pairs; %s %.2f M, %s %.2f M leaves/s%n",
                second, first, ratio[n / 2], ratio[n / 4], ratio[3 * n / 4], n, first, a[n / 2], second, b[n / 2]);
    }

    /** One build of Echo in a class loader of its own, driven through method handles. */
    private static final class Build {
        final Consumer<Runnable> submitter;
        final ExecutorService scheduler;

        private Build(Consumer<Runnable> submitter, ExecutorService scheduler) {
            this.submitter = submitter;
            this.scheduler = scheduler;
        }

        static Build load(Path classes, int workers, String name) throws Throwable {
            URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> builderType = loader.loadClass("dev.echo.scheduler.SchedulerBuilder");
            Class<?> schedulerType = loader.loadClass("dev.echo.scheduler.Scheduler");
            Class<?> priorityType = loader.loadClass("dev.echo.task.Priority");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object builder = lookup.findStatic(builderType, "create", MethodType.methodType(builderType)).invoke();
            builder = lookup.findVirtual(builderType, "workerCount", MethodType.methodType(builderType, int.class)).invoke(builder, workers);
            builder = lookup.findVirtual(builderType, "agingThreshold", MethodType.methodType(builderType, java.time.Duration.class))
                    .invoke(builder, Peers.AGING);
            builder = lookup.findVirtual(builderType, "name", MethodType.methodType(builderType, String.class)).invoke(builder, name);
            Object scheduler = lookup.findVirtual(builderType, "build", MethodType.methodType(schedulerType)).invoke(builder);
            Object normal = priorityType.getField("NORMAL").get(null);
            MethodHandle execute = lookup.findVirtual(schedulerType, "execute", MethodType.methodType(void.class, Runnable.class, priorityType))
                    .bindTo(scheduler);
            MethodHandle submit = MethodHandles.insertArguments(execute, 1, normal)
                    .asType(MethodType.methodType(void.class, Runnable.class));
            Consumer<Runnable> submitter = task -> {
                try {
                    submit.invokeExact(task);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            };
            return new Build(submitter, (ExecutorService) scheduler);
        }

        void close() throws InterruptedException {
            scheduler.shutdownNow();
            if (!scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a build's scheduler did not terminate");
            }
        }
    }
}
