package dev.warren.monitor;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A work queue as the broker reported it at the last look.
 *
 * @param queue the work queue
 * @param depth messages ready in it
 * @param consumers consumers attached to it, from every instance
 * @param deadLetters messages in its dead-letter queue
 * @param oldestMessageAge how long its oldest message has waited; {@code null} when unknown (the
 *     management API is needed) or the queue is empty
 * @since 0.1
 */
public record QueueHealth(String queue, long depth, long consumers, long deadLetters, @Nullable Duration oldestMessageAge) {
}
