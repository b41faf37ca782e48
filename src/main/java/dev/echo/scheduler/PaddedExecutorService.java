package dev.echo.scheduler;

import java.util.concurrent.AbstractExecutorService;

/**
 * 128 bytes ahead of {@link Scheduler}'s fields. The JVM lays a superclass's fields out before its
 * subclass's, so these keep the scheduler's configuration and references — read on every fork and
 * every task start — off the cache lines of whatever object the allocator or the collector's
 * copying puts just before it. A slow B2 fork (6.8 M against 10 M leaves/s for the same code) had
 * 7 % of its samples on reading {@code capacity} in {@code leftQueue}, a fast one none: the line
 * was shared with data written on every task. Never read or written.
 */
@SuppressWarnings("unused")
abstract class PaddedExecutorService extends AbstractExecutorService {
    private int p;
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
