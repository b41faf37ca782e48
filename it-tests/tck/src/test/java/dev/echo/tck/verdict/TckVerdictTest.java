package dev.echo.tck.verdict;

import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** The verdict reads JUnit-format reports as failsafe writes them and fails only where it must. */
public class TckVerdictTest {

    private static final String TRIGGER = "ee.jakarta.tck.concurrent.api.Trigger.TriggerTests";
    private static final String MES = "ee.jakarta.tck.concurrent.spec.ManagedExecutorService.inheritedapi.InheritedAPITests";

    @Test
    public void echoFailingWhatTheControlPassesIsAProblemAndBothFailingIsNot() throws Exception {
        Path echo = reports("echo", testcase(TRIGGER, "triggerSkipRunTest", "<failure message=\"SkippedException should be caught.&#10;more\" type=\"java.lang.AssertionError\"/>")
                + testcase(TRIGGER, "triggerGetNextRunTimeTest", "")
                + testcase(MES, "testExecute", "<error message=\"boom\" type=\"java.lang.RuntimeException\"/>"));
        Path control = reports("liberty", testcase(TRIGGER, "triggerSkipRunTest", "")
                + testcase(TRIGGER, "triggerGetNextRunTimeTest", "")
                + testcase(MES, "testExecute", "<failure message=\"definition\" type=\"java.lang.AssertionError\"/>"));
        TckVerdict.Verdict v = TckVerdict.compare(TckVerdict.read(echo), TckVerdict.read(control));
        assertEquals(v.problems().size(), 1, v.problems().toString());
        assertTrue(v.problems().get(0).contains("TriggerTests#triggerSkipRunTest: Echo FAIL (SkippedException should be caught.)"), v.problems().get(0));
        assertTrue(v.table().contains("| api.Trigger | 2 | 1 | 2 | 0 | 1 | 0 |"), v.table());
        assertTrue(v.table().contains("| spec.ManagedExecutorService.inheritedapi | 1 | 0 | 0 | 1 | 0 | 0 |"), v.table());
        assertTrue(v.table().contains("| **all** | **3** | **1** | **2** | **1** | **1** | **0** |"), v.table());
    }

    @Test
    public void aSkipIsNotAPassAndAMissingTestIsAProblem() throws Exception {
        Path echo = reports("echo2", testcase(TRIGGER, "a", "<skipped/>"));
        Path control = reports("liberty2", testcase(TRIGGER, "a", "") + testcase(TRIGGER, "b", ""));
        TckVerdict.Verdict v = TckVerdict.compare(TckVerdict.read(echo), TckVerdict.read(control));
        assertEquals(v.problems().size(), 2, v.problems().toString());
        assertTrue(v.problems().get(0).contains("#a: Echo SKIP"), v.problems().toString());
        assertTrue(v.problems().get(1).contains("#b ran only in the control run"), v.problems().toString());
    }

    @Test
    public void anEmptyRunIsAProblemAndAMissingDirectoryAnError() throws Exception {
        TckVerdict.Verdict v = TckVerdict.compare(Map.of(), TckVerdict.read(reports("liberty3", testcase(TRIGGER, "a", ""))));
        assertTrue(v.problems().contains("the Echo run ran no test"), v.problems().toString());
        IllegalStateException e = expectThrows(IllegalStateException.class, () -> TckVerdict.read(Path.of("target/no-such-reports")));
        assertTrue(e.getMessage().contains("no TCK reports at target/no-such-reports"), e.getMessage());
    }

    @Test
    public void mainFailsTheBuildWhenEchoFailsAloneAndWritesTheTableEitherWay() throws Exception {
        Path echo = reports("echo4", testcase(TRIGGER, "a", "<failure message=\"x\"/>"));
        Path control = reports("liberty4", testcase(TRIGGER, "a", ""));
        Path table = Files.createTempFile("tck-table", ".md");
        IllegalStateException e = expectThrows(IllegalStateException.class,
                () -> TckVerdict.main(new String[] {echo.toString(), control.toString(), table.toString()}));
        assertTrue(e.getMessage().contains("TriggerTests#a: Echo FAIL (x), Liberty PASS"), e.getMessage());
        assertTrue(Files.readString(table).contains("| api.Trigger | 1 | 0 | 1 | 0 | 1 | 0 |"), Files.readString(table));
        TckVerdict.main(new String[] {control.toString(), control.toString(), table.toString()});
    }

    private static String testcase(String cls, String name, String body) {
        return "<testcase name=\"" + name + "\" classname=\"" + cls + "\" time=\"0.1\">" + body + "</testcase>";
    }

    private static Path reports(String name, String cases) throws Exception {
        Path dir = Files.createTempDirectory("tck-" + name);
        Files.writeString(dir.resolve("TEST-TestSuite.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"TestSuite\">" + cases + "</testsuite>");
        Files.writeString(dir.resolve("other.txt"), "not a report");
        return dir;
    }
}
