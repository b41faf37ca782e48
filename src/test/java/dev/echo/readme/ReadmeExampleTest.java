package dev.echo.readme;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The README's usage example is this compiled, running code, word for word. */
class ReadmeExampleTest {

    private static final String START = "// README-EXAMPLE-START";
    private static final String END = "// README-EXAMPLE-END";

    @Test
    void theReadmeShowsExactlyTheCompiledExample() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/echo/readme/ReadmeExample.java"));
        String example = source.substring(source.indexOf(START) + START.length(), source.indexOf(END)).strip();
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(normalize(readme).contains(normalize(example)),
                "README.md must contain the example of ReadmeExample.java verbatim");
    }

    @Test
    void theExampleRuns() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int before = ReadmeExample.calls.get();
        try {
            // the example's close() waits for every task: bounded here, so a hang fails the test
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> ReadmeExample.main(new String[0]),
                    "the README example did not finish");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("quote-42 / stock 17"), out);
        assertEquals(3, ReadmeExample.calls.get() - before, "every accepted task ran before close() returned");
    }

    private static String normalize(String s) {
        return s.replace("\r\n", "\n").lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n");
    }
}
