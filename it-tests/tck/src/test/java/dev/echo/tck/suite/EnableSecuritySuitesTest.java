package dev.echo.tck.suite;

import org.testng.annotations.Test;
import org.testng.internal.annotations.TestAnnotation;

import java.lang.reflect.Method;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** The listener switches on the TCK's disabled security suites and nothing else. */
public class EnableSecuritySuitesTest {

    @Test
    public void theSecuritySuitesAreSwitchedOnAndOtherDisabledTestsStayOff() throws Exception {
        for (String suite : EnableSecuritySuites.SUITES) {
            Method test = testMethodOf(Class.forName(suite));
            TestAnnotation annotation = disabled();
            new EnableSecuritySuites().transform(annotation, null, null, test);
            assertTrue(annotation.getEnabled(), suite + "#" + test.getName());
        }
        TestAnnotation other = disabled();
        new EnableSecuritySuites().transform(other, null, null,
                testMethodOf(Class.forName("ee.jakarta.tck.concurrent.api.Trigger.TriggerTests")));
        assertFalse(other.getEnabled());
        TestAnnotation classLevel = disabled();
        new EnableSecuritySuites().transform(classLevel, Class.forName(EnableSecuritySuites.SUITES.iterator().next()), null, null);
        assertFalse(classLevel.getEnabled(), "only methods are switched on");
    }

    private static TestAnnotation disabled() {
        TestAnnotation a = new TestAnnotation();
        a.setEnabled(false);
        return a;
    }

    private static Method testMethodOf(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            if (m.isAnnotationPresent(org.testng.annotations.Test.class)) {
                return m;
            }
        }
        throw new AssertionError("no @Test method in " + c.getName());
    }
}
