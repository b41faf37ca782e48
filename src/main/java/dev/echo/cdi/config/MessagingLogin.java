package dev.echo.cdi.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * The user and password Echo's connections to the messaging provider authenticate with
 * ({@value #USER}, {@value #PASSWORD}). The engine of liberty-config/server.xml has messaging
 * security on ({@code messagingSecurity-3.0}): only this user, which the servers alone know, may
 * connect to the action queue and the run-state topic. So {@code echo.actions.queue=jms} requires
 * both, the password at least {@value #MIN_PASSWORD_LENGTH} characters: a server started without
 * them would otherwise find out only when the engine refuses every connection (and an engine whose
 * configuration names unset variables admits their literal text as a login). The password, a
 * secret of the servers, never appears in {@link #toString()} or an error. Immutable.
 */
public final class MessagingLogin {

    public static final String USER = "echo.actions.jms.user";
    public static final String PASSWORD = "echo.actions.jms.password";
    /** Shorter passwords are refused: a guessable one would open the engine to anyone who can reach it. */
    public static final int MIN_PASSWORD_LENGTH = 16;

    /** No user: the provider's default connection. */
    public static final MessagingLogin NONE = new MessagingLogin(null, null);

    private final String user;
    private final String password;

    private MessagingLogin(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** For tests and embedders. */
    public static MessagingLogin of(String user, String password) {
        return new MessagingLogin(user, password);
    }

    /**
     * Both settings; a user without a password (or the reverse) fails, naming the missing one. With
     * {@code required} (the JMS queue) both must be set and the password long enough.
     */
    static MessagingLogin read(Function<String, Optional<String>> lookup, boolean required) {
        Optional<String> user = lookup.apply(USER).map(String::strip).filter(v -> !v.isEmpty());
        Optional<String> password = lookup.apply(PASSWORD).filter(v -> !v.isEmpty());
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("Echo configuration '" + (user.isPresent() ? PASSWORD : USER)
                    + "' must be set with '" + (user.isPresent() ? USER : PASSWORD) + "'");
        }
        if (required && user.isEmpty()) {
            throw new IllegalArgumentException("Echo configuration '" + USER + "' and '" + PASSWORD + "' must be set for "
                    + EchoConfig.ACTIONS_QUEUE + "=jms: the login of the servers' own messaging user, the only one the"
                    + " engine admits (environment variables ECHO_ACTIONS_JMS_USER and ECHO_ACTIONS_JMS_PASSWORD, or"
                    + " Liberty variables; docs/actions-messaging.md, \"Messaging security\")");
        }
        if (required && password.get().length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("Echo configuration '" + PASSWORD + "' must be at least " + MIN_PASSWORD_LENGTH
                    + " characters long (it is " + password.get().length() + "): e.g. openssl rand -base64 24");
        }
        return user.map(u -> new MessagingLogin(u, password.get())).orElse(NONE);
    }

    public boolean present() {
        return user != null;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return user == null ? "the provider's default identity" : "user '" + user + "'";
    }
}
