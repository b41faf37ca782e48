package dev.echo.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** README keeps exactly two set-up commands, the test command runs every suite (the TCK too), and .ci/run runs it. */
class ReadmeCommandsTest {

    private static List<String> setUpCommands() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Set-up commands"), readme.indexOf("\n## ", readme.indexOf("## Set-up commands") + 3));
        return section.lines().filter(l -> l.startsWith("mvn ")).toList();
    }

    @Test
    void theReadmeHasExactlyTwoSetUpCommands() throws Exception {
        List<String> commands = setUpCommands();
        assertEquals(2, commands.size(), commands.toString());
        // the test command: unit tests, the in-server suite, then the TCK on Echo against Liberty's executor
        assertTrue(commands.get(0).startsWith("mvn -B install && mvn -B -f it-tests verify && ")
                && commands.get(0).endsWith("-f it-tests/tck verify"), "first: the test command, was " + commands.get(0));
        assertTrue(commands.get(1).endsWith("it-tests liberty:run"), "second: the showcase, was " + commands.get(1));
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws Exception {
        String testCommand = setUpCommands().get(0);
        List<String> ci = Files.readAllLines(Path.of(".ci/run"));
        assertTrue(ci.contains(testCommand), ".ci/run does not run '" + testCommand + "'");
    }
}
