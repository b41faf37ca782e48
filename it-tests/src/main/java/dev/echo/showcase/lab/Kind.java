package dev.echo.showcase.lab;

/**
 * The kinds of demo task: latency-critical HIGH probes, background LOW work, and the 1 ms HIGH
 * tasks of a flood — counted apart from the probes so the probes' waits stay readable.
 */
public enum Kind {
    HIGH, LOW, FLOOD;

    /** Whether Echo runs this kind at HIGH priority. */
    boolean high() {
        return this != LOW;
    }
}
