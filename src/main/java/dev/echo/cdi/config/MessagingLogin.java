package dev.echo.cdi.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * The user and password Echo's connections to the messaging provider authenticate with
 * ({@value #USER}, {@value #PASSWORD}), for an engine with messaging security on
 * ({@code messagingSecurity-3.0}: only a user the servers know may send to or take from the action
 * queue and the run-state topic). Without a user Echo connects as the provider's default allows.
 * The password, a secret of the servers, never appears in {@link #toString()} or an error.
 * Immutable.
 */
public final class MessagingLogin {

    public static final String USER = "echo.actions.jms.user";
    public static final String PASSWORD = "echo.actions.jms.password";

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

    /** Both settings; a user without a password (or the reverse) fails, naming the missing one. */
    static MessagingLogin read(Function<String, Optional<String>> lookup) {
        Optional<String> user = lookup.apply(USER).map(String::strip).filter(v -> !v.isEmpty());
        Optional<String> password = lookup.apply(PASSWORD).filter(v -> !v.isEmpty());
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("Echo configuration '" + (user.isPresent() ? PASSWORD : USER)
                    + "' must be set with '" + (user.isPresent() ? USER : PASSWORD) + "'");
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
