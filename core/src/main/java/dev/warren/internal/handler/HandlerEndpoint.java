package dev.warren.internal.handler;

import dev.warren.consumer.ConsumerSettings;
import org.jspecify.annotations.Nullable;

/**
 * A handler with the queue it consumes and how.
 *
 * @param consumerName the name configuration refers to: the queue name
 * @param queue the queue consumed
 * @param topic the topic of a subscription, or {@code null} for a point-to-point consumer
 * @param group the group of a subscription, or {@code null}
 * @param settings concurrency, prefetch and queue type
 * @param method the method to call
 */
public record HandlerEndpoint(
        String consumerName,
        String queue,
        @Nullable String topic,
        @Nullable String group,
        ConsumerSettings settings,
        HandlerMethod method) {
}
