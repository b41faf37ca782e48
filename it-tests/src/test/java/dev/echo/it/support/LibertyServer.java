package dev.echo.it.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One more server of the runtime the build installed (beside the Arquillian one): created from
 * the repository's liberty-config files, started and stopped with {@code bin/server}, and killed
 * like a crash ({@code kill -9} of its JVM).
 */
public final class LibertyServer {

    private final Path wlp;
    private final String name;
    private final Path dir;

    public LibertyServer(String name) {
        this.wlp = Path.of(System.getProperty("liberty.home", "target/liberty/wlp"));
        this.name = name;
        this.dir = wlp.resolve("usr/servers").resolve(name);
    }

    public Path dir() {
        return dir;
    }

    /**
     * A fresh server (its messaging store and logs wiped) with {@code files} copied in (target name
     * → source) and {@code bootstrap} as its bootstrap.properties.
     */
    public LibertyServer create(Map<String, Path> files, Map<String, String> bootstrap) throws Exception {
        if (!Files.isDirectory(wlp)) {
            throw new IllegalStateException("the Liberty runtime is installed by the build: " + wlp);
        }
        if (Files.isDirectory(dir)) {
            try (var all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        int rc = run("create", 120);
        if (rc != 0) {
            throw new IllegalStateException("bin/server create " + name + " failed: " + rc);
        }
        for (var f : files.entrySet()) {
            Files.copy(f.getValue(), dir.resolve(f.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(dir.resolve("bootstrap.properties"), bootstrap.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
        return this;
    }

    public void deploy(Path war, String fileName) throws Exception {
        Path dropins = Files.createDirectories(dir.resolve("dropins"));
        Files.copy(war, dropins.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
    }

    public void start() throws Exception {
        int rc = run("start", 180);
        if (rc != 0) {
            throw new IllegalStateException("bin/server start " + name + " failed (" + rc + "):\n" + log());
        }
    }

    /** A graceful stop; {@code true} if it stopped. */
    public boolean stop() throws Exception {
        return run("stop", 180) == 0;
    }

    /** The server's JVM, found by its command line (the launcher names the server last). */
    public Optional<ProcessHandle> process() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("ws-server.jar") && c.matches(".*\\s" + java.util.regex.Pattern.quote(name) + "(\\s.*)?$"))
                .orElse(false)).findFirst();
    }

    /** {@code kill -9}: no shutdown hook, no stop of the application, nothing settled. */
    public void kill() throws Exception {
        ProcessHandle p = process().orElseThrow(() -> new IllegalStateException("no JVM of server " + name));
        Process kill = new ProcessBuilder("kill", "-9", String.valueOf(p.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -9 " + p.pid() + " failed");
        }
        p.onExit().get(60, TimeUnit.SECONDS);
    }

    public String log() throws Exception {
        Path log = dir.resolve("logs/messages.log");
        return Files.isRegularFile(log) ? Files.readString(log) : "(no messages.log)";
    }

    private int run(String action, int seconds) throws Exception {
        Process p = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/server " + action + " " + name + " did not finish within " + seconds + " s: " + out);
        }
        System.out.println("bin/server " + action + " " + name + ": " + out.strip());
        return p.exitValue();
    }
}
