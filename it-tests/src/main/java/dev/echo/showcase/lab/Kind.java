package dev.echo.showcase.lab;

/** The two kinds of demo task: latency-critical HIGH work and background LOW work. */
public enum Kind {
    HIGH, LOW
}
