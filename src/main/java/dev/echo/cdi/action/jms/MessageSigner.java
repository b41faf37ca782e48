package dev.echo.cdi.action.jms;


import dev.echo.cdi.config.SigningKeys;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signs and verifies Echo's messages (docs/actions-messaging.md, "Signed messages"): an
 * HMAC-SHA256, under a key only the servers hold, over the text body and every property whose
 * name starts with {@code echo} (but the signature's own), in one unambiguous form:
 *
 * <pre>
 * "echo-signed-v1\n"
 * for each echo* property, sorted by name:  len(name) ":" name "=" len(value) ":" value "\n"
 * len(body) ":" body
 * </pre>
 * (lengths in UTF-16 units, decimal; values as {@code getStringProperty} gives them). A sender
 * that adds, drops or changes any {@code echo*} property, or the body, breaks the signature; the
 * provider's own {@code JMS*} properties are not covered (the engine sets them). The signature is
 * the {@value #SIGNATURE} property, base64.
 *
 * <p>Immutable and thread-safe: a {@link Mac} is made per call (a JCE Mac is not thread-safe, and
 * a few microseconds are nothing beside a persistent send). Keys are never part of a message,
 * log line or exception this class writes.
 */
final class MessageSigner {

    static final String SIGNATURE = "echoSignature";
    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "echo";

    /** Why a message was not believed. */
    enum Verdict {
        VALID, UNSIGNED, BAD_SIGNATURE, NOT_TEXT
    }

    private final SecretKeySpec signing;
    private final List<SecretKeySpec> verifying;

    MessageSigner(SigningKeys keys) {
        this.signing = new SecretKeySpec(keys.signing(), ALGORITHM);
        List<SecretKeySpec> all = new ArrayList<>();
        for (byte[] k : keys.verifying()) {
            all.add(new SecretKeySpec(k, ALGORITHM));
        }
        this.verifying = List.copyOf(all);
    }

    /** Sets {@value #SIGNATURE} on {@code m}, whose body and echo* properties are final now. */
    void sign(TextMessage m) throws JMSException {
        m.setStringProperty(SIGNATURE, signature(signing, canonical(m.getText(), echoProperties(m))));
    }

    /**
     * The signature of a message of {@code body} and {@code echoProperties} (every echo* property
     * it will carry but the signature), for a message made later from them.
     */
    String signatureOf(String body, java.util.SortedMap<String, String> echoProperties) {
        return signature(signing, canonical(body, echoProperties));
    }

    /** Whether {@code m} carries a valid signature under any verifying key (compared in constant time). */
    Verdict verify(Message m) {
        try {
            if (!(m instanceof TextMessage text) || text.getText() == null) {
                return Verdict.NOT_TEXT;
            }
            String given = m.getStringProperty(SIGNATURE);
            if (given == null || given.isEmpty()) {
                return Verdict.UNSIGNED;
            }
            byte[] claimed;
            try {
                claimed = Base64.getDecoder().decode(given);
            } catch (IllegalArgumentException e) {
                return Verdict.BAD_SIGNATURE;
            }
            byte[] body = canonical(text.getText(), echoProperties(m));
            boolean ok = false;
            for (SecretKeySpec key : verifying) {
                // every key is tried, so the time taken says nothing of which one matched
                ok |= MessageDigest.isEqual(mac(key, body), claimed);
            }
            return ok ? Verdict.VALID : Verdict.BAD_SIGNATURE;
        } catch (JMSException | RuntimeException e) {
            return Verdict.BAD_SIGNATURE;
        }
    }

    /** The message's echo* properties but the signature, by name, as strings. */
    static java.util.SortedMap<String, String> echoProperties(Message m) throws JMSException {
        java.util.SortedMap<String, String> props = new TreeMap<>();
        for (Object n : Collections.list((Enumeration<?>) m.getPropertyNames())) {
            String name = String.valueOf(n);
            if (name.startsWith(PREFIX) && !name.equals(SIGNATURE)) {
                props.put(name, m.getStringProperty(name));
            }
        }
        return props;
    }

    /** The signed form (see the class comment). */
    static byte[] canonical(String body, java.util.SortedMap<String, String> sortedProperties) {
        StringBuilder b = new StringBuilder(body.length() + 64 * (sortedProperties.size() + 1));
        b.append("echo-signed-v1\n");
        for (Map.Entry<String, String> e : sortedProperties.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue();
            b.append(e.getKey().length()).append(':').append(e.getKey()).append('=')
                    .append(v.length()).append(':').append(v).append('\n');
        }
        b.append(body.length()).append(':').append(body);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String signature(SecretKeySpec key, byte[] canonical) {
        return Base64.getEncoder().encodeToString(mac(key, canonical));
    }

    private static byte[] mac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is required of every Java platform: this is a broken JRE, not bad input
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getClass().getName());
        }
    }
}
