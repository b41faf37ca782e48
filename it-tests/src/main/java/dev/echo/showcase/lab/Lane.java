package dev.echo.showcase.lab;

import java.util.concurrent.ExecutorService;

/**
 * One executor the demo drives: Echo (HIGH and LOW views) or Liberty's default
 * ManagedExecutorService (which has no priorities: both kinds go to the same FIFO).
 */
record Lane(String name, ExecutorService high, ExecutorService low, LaneStats stats) {

    ExecutorService executor(Kind kind) {
        return kind.high() ? high : low;
    }
}
