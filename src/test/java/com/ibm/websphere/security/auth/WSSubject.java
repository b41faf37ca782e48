package com.ibm.websphere.security.auth;

import javax.security.auth.Subject;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;

/**
 * A stand-in for Liberty's {@code WSSubject} (an IBM API Echo reaches by reflection), with the one
 * method Echo calls: it makes {@code subject} the thread's invocation subject around the action,
 * as Liberty's does, so that SubmitterIdentityTest can see what a body ran as.
 */
public final class WSSubject {

    private static final ThreadLocal<Subject> INVOCATION = new ThreadLocal<>();

    private WSSubject() {
    }

    public static Object doAs(Subject subject, PrivilegedExceptionAction<?> action) throws PrivilegedActionException {
        Subject previous = INVOCATION.get();
        INVOCATION.set(subject);
        try {
            return action.run();
        } catch (Exception e) {
            throw new PrivilegedActionException(e);
        } finally {
            INVOCATION.set(previous);
        }
    }

    /** The invocation subject of this thread (the test's view of Liberty's SubjectManager). */
    public static Subject invocationSubject() {
        return INVOCATION.get();
    }
}
