package dev.warren.consumer;

import dev.warren.failure.FailureClass;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Hears what happens to each message, for tests and tooling: processed, failed, retried,
 * dead-lettered, skipped as a duplicate, published. Called on Warren's threads, after the fact:
 * keep it quick and never throw (a listener's exception is logged and ignored).
 *
 * @since 0.1
 */
public interface DeliveryListener {

    /** Hears nothing. */
    DeliveryListener NONE = new DeliveryListener() {
    };

    /**
     * One listener that tells each of several, in order; one that throws does not keep the event
     * from the others.
     *
     * <pre>{@code
     * builder.deliveryListener(DeliveryListener.composite(List.of(harness, auditTrail)));
     * }</pre>
     *
     * @param listeners the listeners
     * @return {@link #NONE} for none, the listener for one, else a composite
     */
    static DeliveryListener composite(java.util.List<? extends DeliveryListener> listeners) {
        return dev.warren.internal.pipeline.CompositeDeliveryListener.of(listeners);
    }

    /**
     * A handler processed a message.
     *
     * @param queue the queue it came from
     * @param messageId its message id, if any
     * @param payload the decoded payload the handler got
     * @param attempt which attempt succeeded, from 1
     */
    default void processed(String queue, @Nullable String messageId, @Nullable Object payload, int attempt) {
    }

    /**
     * An attempt failed: the handler threw, or the body did not decode or validate.
     *
     * @param queue the queue it came from
     * @param messageId its message id, if any
     * @param failure what was thrown
     * @param attempt which attempt failed, from 1
     * @param failureClass how Warren classified it
     */
    default void failed(String queue, @Nullable String messageId, Throwable failure, int attempt, FailureClass failureClass) {
    }

    /**
     * A failed message waits in a delay queue to be tried again.
     *
     * @param queue the queue it came from and returns to
     * @param messageId its message id, if any
     * @param attemptsMade attempts made so far
     * @param delay how long it waits
     */
    default void retried(String queue, @Nullable String messageId, int attemptsMade, Duration delay) {
    }

    /**
     * A message is in the dead-letter queue, with its reason.
     *
     * @param queue the queue it came from
     * @param messageId its message id, if any
     * @param reason the reason recorded with it
     * @param attempts attempts made
     */
    default void deadLettered(String queue, @Nullable String messageId, String reason, int attempts) {
    }

    /**
     * An idempotent handler skipped a message it had processed before.
     *
     * @param queue the queue it came from
     * @param messageId its message id, if any
     */
    default void duplicate(String queue, @Nullable String messageId) {
    }

    /**
     * The publisher's message was taken by the broker (confirmed) or the provider.
     *
     * @param destination the queue or topic
     * @param topic whether it was published to a topic
     * @param messageId its message id
     * @param payload what was sent
     */
    default void published(String destination, boolean topic, String messageId, Object payload) {
    }
}
