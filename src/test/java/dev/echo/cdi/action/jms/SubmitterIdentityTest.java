package dev.echo.cdi.action.jms;

import com.ibm.websphere.security.auth.WSSubject;
import dev.echo.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.spi.LoginModule;
import java.security.Principal;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How a consumed run is made to execute as its submitter, against stand-ins for Liberty's pieces:
 * a JAAS entry {@code WSLogin} whose login module reads the hashtable as Liberty's hashtable
 * login does, and a {@code WSSubject} that sets the invocation subject. MessagingClusterIT shows
 * the real thing (an EJB sees the submitter on either server).
 */
class SubmitterIdentityTest {

    /** The hashtables the login module was given, in order. */
    static final List<Map<String, Object>> LOGINS = new CopyOnWriteArrayList<>();

    /** Logs in the hashtable's user id, as Liberty's hashtable login does; refuses "mallory" (unknown to the registry). */
    public static final class HashtableLogin implements LoginModule {
        private Subject subject;
        private String name;

        @Override
        public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> shared, Map<String, ?> options) {
            this.subject = subject;
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean login() throws FailedLoginException {
            Hashtable<String, Object> h = subject.getPrivateCredentials(Hashtable.class).iterator().next();
            LOGINS.add(Map.copyOf(h));
            name = (String) h.get(SubmitterIdentity.USER_ID);
            if ("mallory".equals(name)) {
                throw new FailedLoginException("no such user: mallory");
            }
            return true;
        }

        @Override
        public boolean commit() {
            String n = name;
            subject.getPrincipals().add((Principal) () -> n);
            return true;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }
    }

    private Configuration previous;

    @BeforeEach
    void installTheLoginEntry() {
        LOGINS.clear();
        previous = Configuration.getConfiguration();
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return SubmitterIdentity.LOGIN_ENTRY.equals(name) ? new AppConfigurationEntry[]{new AppConfigurationEntry(
                        HashtableLogin.class.getName(), AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())} : null;
            }
        });
    }

    @AfterEach
    void restore() {
        Configuration.setConfiguration(previous);
    }

    private static String invocationName() {
        Subject s = WSSubject.invocationSubject();
        return s == null ? null : s.getPrincipals().iterator().next().getName();
    }

    @Test
    void aBodyRunsAsTheSubmitterLoggedInByIdentityAssertionAndAsTheApplicationWithoutOne() throws Exception {
        SubmitterIdentity identity = SubmitterIdentity.detect(getClass().getClassLoader());
        assertTrue(identity.asserts(), "WSSubject is reachable: " + identity);
        assertEquals("alice", identity.call("alice", SubmitterIdentityTest::invocationName));
        assertNull(WSSubject.invocationSubject(), "restored after the body");
        assertEquals(Map.of(SubmitterIdentity.USER_ID, "alice"), LOGINS.get(0),
                "an identity only, no password: what Liberty's hashtable login asserts where the server allows it");
        assertNull(identity.call(null, SubmitterIdentityTest::invocationName), "an application's run: no identity asserted");
        assertNull(identity.call("", SubmitterIdentityTest::invocationName), "an anonymous run: none either");
        assertEquals("bob", identity.call("bob", SubmitterIdentityTest::invocationName));
        assertEquals("alice", identity.call("alice", SubmitterIdentityTest::invocationName));
        assertEquals(2, LOGINS.size(), "alice's subject is reused within a minute: " + LOGINS);
    }

    @Test
    void aSubmitterTheRegistryDoesNotKnowRunsAsTheApplicationWithOneWarning() throws Exception {
        SubmitterIdentity identity = SubmitterIdentity.detect(getClass().getClassLoader());
        try (LogCapture log = LogCapture.of(SubmitterIdentity.class, Level.WARNING)) {
            assertNull(identity.call("mallory", SubmitterIdentityTest::invocationName));
            assertNull(identity.call("mallory", SubmitterIdentityTest::invocationName));
            assertEquals(1, log.messages(Level.WARNING).size(), log.messages(Level.WARNING).toString());
        }
    }

    @Test
    void whatTheBodyThrowsReachesTheCallerUnwrapped() {
        SubmitterIdentity identity = SubmitterIdentity.detect(getClass().getClassLoader());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> identity.call("alice", () -> {
            throw new IllegalStateException("the function failed");
        }));
        assertEquals("the function failed", e.getMessage());
    }

    @Test
    void withoutWSSubjectEveryBodyRunsAsTheApplication() throws Exception {
        ClassLoader withoutLiberty = new ClassLoader(null) {
        };
        SubmitterIdentity identity = SubmitterIdentity.detect(withoutLiberty);
        assertFalse(identity.asserts());
        assertNull(identity.call("alice", SubmitterIdentityTest::invocationName));
        assertTrue(LOGINS.isEmpty(), "no login attempted");
    }
}
