package dev.echo.showcase.lab;

/** A caller's value as it may appear in a message or a log line of the showcase. */
public final class Printable {

    private Printable() {
    }

    /** Printable ASCII only (anything else becomes '?'), at most 64 characters; {@code <none>} for null. */
    public static String of(String value) {
        if (value == null) {
            return "<none>";
        }
        String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
