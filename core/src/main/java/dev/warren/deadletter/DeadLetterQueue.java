package dev.warren.deadletter;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One of Warren's dead-letter queues as the broker has it now.
 *
 * @param queue the work queue whose failures it holds
 * @param deadLetterQueue its name, {@code <queue>.dlq}
 * @param depth messages in it
 * @param oldestAge how long ago the oldest message failed, or {@code null} when it is empty
 * @since 0.1
 */
public record DeadLetterQueue(String queue, String deadLetterQueue, long depth, @Nullable Duration oldestAge) {
}
