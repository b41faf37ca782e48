package dev.echo.it;

import dev.echo.it.support.Deployments;
import dev.echo.it.support.Http;
import dev.echo.testing.Await;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Echo needs nothing beyond CDI and Concurrency: a second server of the same runtime with only
 * {@code cdi-4.0}, {@code concurrent-3.0} and {@code servlet-6.0} (no Jakarta REST, no JSON-P/B,
 * no MicroProfile) deploys an application with the Echo jar, injects Echo as its
 * ManagedExecutorService and runs a task on it, and its log shows no error.
 */
class MinimalServerIT {

    private static final String SERVER = "echo-minimal";
    private static final int PORT = 9091;

    private static final String SERVER_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <server description="Echo with nothing but CDI and Concurrency">
                <featureManager>
                    <feature>cdi-4.0</feature>
                    <feature>concurrent-3.0</feature>
                    <feature>servlet-6.0</feature>
                </featureManager>
                <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
            </server>
            """.formatted(PORT);

    @Test
    void echoDeploysAndRunsOnAServerWithOnlyCdiConcurrentAndServlet() throws Exception {
        Path wlp = Path.of(System.getProperty("liberty.home", "target/liberty/wlp"));
        assertTrue(Files.isDirectory(wlp), "the Liberty runtime is installed by the build: " + wlp);
        Path serverDir = wlp.resolve("usr/servers").resolve(SERVER);
        if (!Files.isDirectory(serverDir)) {
            assertEquals(0, run(wlp, "create", SERVER), "server create");
        }
        Files.writeString(serverDir.resolve("server.xml"), SERVER_XML);
        Path dropins = Files.createDirectories(serverDir.resolve("dropins"));
        minimalWar().as(ZipExporter.class).exportTo(dropins.resolve("minimal.war").toFile(), true);
        Path log = serverDir.resolve("logs/messages.log");
        Files.deleteIfExists(log);
        assertEquals(0, run(wlp, "start", SERVER), "server start");
        try {
            String body = Await.value(() -> {
                var r = Http.send("GET", "http://127.0.0.1:" + PORT + "/minimal/echo");
                return r.statusCode() + " " + r.body();
            }, b -> !b.startsWith("404") && !b.startsWith("503"), Duration.ofSeconds(90), "the minimal application answers");
            assertTrue(body.startsWith("200 dev.echo.cdi.executor.EchoManagedExecutor|echo-worker-"), body);
            String messages = Files.readString(log);
            for (String bad : List.of("NoClassDefFoundError", "ClassNotFoundException", "CWWKZ0002E", "CWWKZ0004E", "[ERROR")) {
                assertFalse(messages.contains(bad), "the minimal server logged " + bad + ":\n" + messages);
            }
        } finally {
            assertEquals(0, run(wlp, "stop", SERVER), "server stop");
        }
    }

    /** The servlet and Echo's jars, nothing else. */
    private static WebArchive minimalWar() {
        return Deployments.bare("minimal", MinimalServlet.class);
    }

    /** {@code bin/server <action> <name>}, bounded; its output goes to the test log. */
    private static int run(Path wlp, String action, String server) throws Exception {
        Process p = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, server)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bin/server " + action + " did not finish within 120 s: " + out);
        }
        System.out.println("bin/server " + action + " " + server + ": " + out.strip());
        return p.exitValue();
    }
}
