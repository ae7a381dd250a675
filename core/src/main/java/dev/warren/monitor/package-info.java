/** Watching Warren's queues on the broker: depth, consumers, oldest message, dead letters, and alerts on thresholds. */
@NullMarked
package dev.warren.monitor;

import org.jspecify.annotations.NullMarked;
