package dev.echo.showcase;

/**
 * A whole-number query parameter of the showcase's operations, read as text so that a value
 * Jakarta REST could not convert ({@code 1e9}, 26 digits, {@code abc}) is a 400 naming the
 * parameter and the value — with an {@code int} parameter it was the spec's bare 404.
 */
final class QueryNumber {

    private QueryNumber() {
    }

    /**
     * @return {@code value} as an int, or {@code fallback} when it is absent or blank
     * @throws IllegalArgumentException naming {@code name} and a printable form of the value
     */
    static int of(String name, String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '"
                    + dev.echo.showcase.lab.Printable.of(value) + "'");
        }
    }
}
