package dev.echo.cdi.action.jms;

import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs an action's bodies, on the server that consumed its message, as the submitter recorded in
 * the (verified) message, so that the container sees the submitter as it does with the in-memory
 * queue: {@code SessionContext.getCallerPrincipal()} in an EJB the function calls, and that EJB's
 * {@code @RolesAllowed}.
 *
 * <p>On Open Liberty this is its documented hashtable login with an identity only: a
 * {@code Subject} carrying a {@code Hashtable} with {@code com.ibm.wsspi.security.cred.userId},
 * logged in through the application login entry {@code WSLogin}. Liberty looks the user up in its
 * registry (an unknown user fails) and builds the full credential, groups included, without a
 * password — but only where the server's administrator allowed it
 * ({@code <authentication allowHashtableLoginWithIdOnly="true"/>}: the server decides, never a
 * message). {@code com.ibm.websphere.security.auth.WSSubject.doAs} then makes the subject the
 * thread's invocation subject for the body. Both are reached by reflection, so that other servers
 * still deploy Echo; where they are missing, not allowed, or the login fails, the body runs with
 * the application's identity and one WARNING says so. Echo calls this only for a message whose
 * signature it verified: the name comes from a server of ours.
 *
 * <p>Thread-safe: the subjects are cached per name ({@code cache}, a concurrent map, bounded by
 * clearing it when full) for {@value #CACHE_MILLIS} ms; a logged-in subject is read-only data.
 */
public final class SubmitterIdentity {

    private static final Logger LOG = Logger.getLogger(SubmitterIdentity.class.getName());
    static final String USER_ID = "com.ibm.wsspi.security.cred.userId";
    static final String LOGIN_ENTRY = "WSLogin";
    static final long CACHE_MILLIS = 60_000;
    static final int CACHE_SIZE = 1024;

    /** Runs every body with the application's identity (servers without an identity-assertion API; tests). */
    public static final SubmitterIdentity APPLICATION = new SubmitterIdentity(null, "the server offers no identity assertion");

    private record Cached(Subject subject, long until) {
    }

    /** {@code WSSubject.doAs(Subject, PrivilegedExceptionAction)}, or {@code null}. */
    private final Method doAs;
    private final String without;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Set (once) when a login failed: the WARNING is logged once per server. */
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

    private SubmitterIdentity(Method doAs, String without) {
        this.doAs = doAs;
        this.without = without;
    }

    /** Liberty's identity assertion if the application can reach it, else {@link #APPLICATION}. */
    public static SubmitterIdentity detect(ClassLoader application) {
        try {
            Class<?> wsSubject = Class.forName("com.ibm.websphere.security.auth.WSSubject", true, application);
            return new SubmitterIdentity(wsSubject.getMethod("doAs", Subject.class, PrivilegedExceptionAction.class), null);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return APPLICATION;
        }
    }

    /** Whether bodies can run as their submitter here. */
    public boolean asserts() {
        return doAs != null;
    }

    /**
     * Runs {@code body} as {@code submitter} ({@code null} or empty: as the application). The
     * submitter must come from a verified message.
     */
    public <T> T call(String submitter, Callable<T> body) throws Exception {
        if (doAs == null || submitter == null || submitter.isEmpty()) {
            return body.call();
        }
        Subject subject = subjectOf(submitter);
        if (subject == null) {
            return body.call();
        }
        try {
            @SuppressWarnings("unchecked")
            T result = (T) doAs.invoke(null, subject, (PrivilegedExceptionAction<T>) body::call);
            return result;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PrivilegedActionException p && p.getException() != null) {
                throw p.getException();
            }
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** The logged-in subject of {@code name}, from the cache or a new login; {@code null} if the login failed. */
    Subject subjectOf(String name) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(name);
        if (c != null && c.until() > now) {
            return c.subject();
        }
        Subject subject = login(name);
        if (subject != null) {
            if (cache.size() >= CACHE_SIZE) {
                cache.clear(); // a bound, not an eviction policy: logins are cheap next to a flood of names
            }
            cache.put(name, new Cached(subject, now + CACHE_MILLIS));
        }
        return subject;
    }

    private Subject login(String name) {
        Subject subject = new Subject();
        Hashtable<String, Object> assertion = new Hashtable<>();
        assertion.put(USER_ID, name);
        subject.getPrivateCredentials().add(assertion);
        // no name, no password: Liberty offers every callback it knows and takes unanswered ones as
        // absent; the hashtable in the subject is all its hashtable login needs
        CallbackHandler none = callbacks -> { };
        try {
            LoginContext context = new LoginContext(LOGIN_ENTRY, subject, none);
            context.login();
            return context.getSubject();
        } catch (LoginException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "Echo: could not assert the identity of an action's submitter on this server (" + e
                        + "); such runs execute with the application's identity. Running them as their submitter needs"
                        + " <authentication allowHashtableLoginWithIdOnly=\"true\"/> in server.xml and a user registry"
                        + " that knows the accepting server's users (docs/actions-messaging.md)");
            } else {
                LOG.log(Level.FINE, "Echo: identity assertion failed", e);
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return doAs != null ? "as the submitter (Liberty identity assertion)" : "as the application (" + without + ")";
    }
}
