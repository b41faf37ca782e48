package dev.echo.cdi.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The keys that authenticate every message Echo sends on its action queue and run-state topic
 * ({@code echo.actions.queue=jms}): {@value #SIGNING_KEY} signs and verifies, each of
 * {@value #PREVIOUS_SIGNING_KEYS} (comma-separated) only verifies, so servers can be moved to a new
 * key one at a time. Each is the base64 (standard or URL-safe alphabet) of at least
 * {@value #MIN_KEY_BYTES} random bytes.
 *
 * <p>A key's bytes never leave this object in text: {@link #toString()} says how many keys there
 * are, never what they are, and an error names the setting, never its value. Immutable; the
 * arrays handed out are copies.
 */
public final class SigningKeys {

    public static final String SIGNING_KEY = "echo.actions.jms.signing-key";
    public static final String PREVIOUS_SIGNING_KEYS = "echo.actions.jms.previous-signing-keys";
    /** HMAC-SHA256's own strength: a shorter key weakens it. */
    public static final int MIN_KEY_BYTES = 32;
    /** More keys than this is a list nobody rotates: each one is tried on every message that fails the others. */
    public static final int MAX_PREVIOUS_KEYS = 8;

    /** No keys: what a server with {@code echo.actions.queue=memory} has (nothing to sign). */
    public static final SigningKeys NONE = new SigningKeys(null, List.of());

    private final byte[] current;
    private final List<byte[]> previous;

    private SigningKeys(byte[] current, List<byte[]> previous) {
        this.current = current;
        this.previous = previous;
    }

    /** For tests and embedders: {@code current} signs, {@code previous} verify too. */
    public static SigningKeys of(byte[] current, byte[]... previous) {
        List<byte[]> old = new ArrayList<>();
        for (byte[] p : previous) {
            old.add(requireLong(p.clone(), PREVIOUS_SIGNING_KEYS));
        }
        return new SigningKeys(requireLong(current.clone(), SIGNING_KEY), List.copyOf(old));
    }

    /**
     * Reads both settings. With {@code required} (the jms queue) a missing signing key fails,
     * naming the setting; a present but malformed one fails whether required or not.
     */
    static SigningKeys read(Function<String, Optional<String>> lookup, boolean required) {
        Optional<String> key = lookup.apply(SIGNING_KEY).filter(v -> !v.isBlank());
        if (key.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException("Echo configuration '" + SIGNING_KEY + "' must be set for "
                        + EchoConfig.ACTIONS_QUEUE + "=jms: the base64 of at least " + MIN_KEY_BYTES
                        + " random bytes (for example: openssl rand -base64 32), held by the servers only (a Liberty"
                        + " variable or an environment variable, never in the application); see docs/actions-messaging.md");
            }
            return NONE;
        }
        byte[] current = decode(key.get(), SIGNING_KEY);
        List<byte[]> old = new ArrayList<>();
        Optional<String> list = lookup.apply(PREVIOUS_SIGNING_KEYS).filter(v -> !v.isBlank());
        if (list.isPresent()) {
            String[] parts = list.get().split(",");
            if (parts.length > MAX_PREVIOUS_KEYS) {
                throw new IllegalArgumentException("Echo configuration '" + PREVIOUS_SIGNING_KEYS + "' must list at most "
                        + MAX_PREVIOUS_KEYS + " keys, had " + parts.length);
            }
            for (int i = 0; i < parts.length; i++) {
                old.add(decode(parts[i], PREVIOUS_SIGNING_KEYS + " (entry " + (i + 1) + ")"));
            }
        }
        return new SigningKeys(current, List.copyOf(old));
    }

    private static byte[] decode(String text, String setting) {
        String t = text.strip();
        byte[] bytes;
        try {
            bytes = (t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(t);
        } catch (IllegalArgumentException e) {
            // the value is a secret: the message names the setting and what is wrong, never the value
            throw new IllegalArgumentException("Echo configuration '" + setting + "' must be base64 (of at least "
                    + MIN_KEY_BYTES + " random bytes); it is not valid base64");
        }
        return requireLong(bytes, setting);
    }

    private static byte[] requireLong(byte[] key, String setting) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("Echo configuration '" + setting + "' must be at least " + MIN_KEY_BYTES
                    + " bytes once decoded from base64; it has " + key.length);
        }
        return key;
    }

    /** Whether there is a key to sign with. */
    public boolean present() {
        return current != null;
    }

    /** A copy of the key that signs. */
    public byte[] signing() {
        if (current == null) {
            throw new IllegalStateException("no signing key (" + SIGNING_KEY + ")");
        }
        return current.clone();
    }

    /** Copies of every key that verifies: the signing key first, then the previous ones in their order. */
    public List<byte[]> verifying() {
        List<byte[]> all = new ArrayList<>();
        if (current != null) {
            all.add(current.clone());
        }
        previous.forEach(p -> all.add(p.clone()));
        return all;
    }

    @Override
    public String toString() {
        return current == null ? "SigningKeys[none]" : "SigningKeys[1 signing, " + previous.size() + " previous]";
    }
}
