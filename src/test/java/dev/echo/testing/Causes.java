package dev.echo.testing;

/** The messages of a throwable and all its causes, for asserting on what a deployment failure said. */
public final class Causes {

    private Causes() {
    }

    /** Every message down the cause chain, joined with " | ". */
    public static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
