package dev.warren.internal.pipeline;

import dev.warren.consumer.DeliveryListener;
import dev.warren.failure.FailureClass;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tells every one of several listeners, in order; each is {@linkplain SafeDeliveryListener safe},
 * so one that throws does not keep the event from the others. Immutable.
 */
public final class CompositeDeliveryListener implements DeliveryListener {

    private final List<DeliveryListener> listeners;

    private CompositeDeliveryListener(List<DeliveryListener> listeners) {
        this.listeners = listeners;
    }

    /** {@link DeliveryListener#NONE} for none, the listener itself for one, else a composite. */
    public static DeliveryListener of(List<? extends DeliveryListener> listeners) {
        List<DeliveryListener> heard = listeners.stream().filter(listener -> listener != DeliveryListener.NONE)
                .map(SafeDeliveryListener::of).toList();
        return switch (heard.size()) {
            case 0 -> DeliveryListener.NONE;
            case 1 -> heard.get(0);
            default -> new CompositeDeliveryListener(heard);
        };
    }

    @Override
    public void processed(String queue, @Nullable String messageId, @Nullable Object payload, int attempt) {
        listeners.forEach(listener -> listener.processed(queue, messageId, payload, attempt));
    }

    @Override
    public void failed(String queue, @Nullable String messageId, Throwable failure, int attempt, FailureClass failureClass) {
        listeners.forEach(listener -> listener.failed(queue, messageId, failure, attempt, failureClass));
    }

    @Override
    public void retried(String queue, @Nullable String messageId, int attemptsMade, Duration delay) {
        listeners.forEach(listener -> listener.retried(queue, messageId, attemptsMade, delay));
    }

    @Override
    public void deadLettered(String queue, @Nullable String messageId, String reason, int attempts) {
        listeners.forEach(listener -> listener.deadLettered(queue, messageId, reason, attempts));
    }

    @Override
    public void duplicate(String queue, @Nullable String messageId) {
        listeners.forEach(listener -> listener.duplicate(queue, messageId));
    }

    @Override
    public void published(String destination, boolean topic, String messageId, Object payload) {
        listeners.forEach(listener -> listener.published(destination, topic, messageId, payload));
    }
}
