package dev.warren.deadletter;

import dev.warren.WarrenException;
import org.jspecify.annotations.Nullable;

/**
 * How to replay dead letters.
 *
 * @param dryRun only say what would move where
 * @param targetQueue the queue to replay to instead of each message's original queue, such as a
 *     fixed consumer deployed beside the broken one; {@code null} for the original queue
 * @param maxPerSecond the most messages replayed per second, so that a big replay does not flood
 *     the consumer; 0 for no limit
 * @since 0.1
 */
public record ReplayOptions(boolean dryRun, @Nullable String targetQueue, int maxPerSecond) {

    /**
     * Validates the options.
     */
    public ReplayOptions {
        if (maxPerSecond < 0) {
            throw new WarrenException("replay max-per-second must be >= 0 (0 for no limit) but was " + maxPerSecond);
        }
        if (targetQueue != null && targetQueue.isBlank()) {
            targetQueue = null;
        }
    }

    /** @return a real replay to the original queues, unthrottled */
    public static ReplayOptions defaults() {
        return new ReplayOptions(false, null, 0);
    }
}
