package dev.warren.internal.pipeline;

import dev.warren.consumer.DeliveryListener;
import dev.warren.failure.FailureClass;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listener whose failures are logged, never passed on to the delivery that triggered them. */
public final class SafeDeliveryListener implements DeliveryListener {

    private static final Logger log = LoggerFactory.getLogger(SafeDeliveryListener.class);

    private final DeliveryListener delegate;

    private SafeDeliveryListener(DeliveryListener delegate) {
        this.delegate = delegate;
    }

    public static DeliveryListener of(DeliveryListener listener) {
        return listener == DeliveryListener.NONE || listener instanceof SafeDeliveryListener ? listener
                : new SafeDeliveryListener(listener);
    }

    @Override
    public void processed(String queue, @Nullable String messageId, @Nullable Object payload, int attempt) {
        run(() -> delegate.processed(queue, messageId, payload, attempt));
    }

    @Override
    public void failed(String queue, @Nullable String messageId, Throwable failure, int attempt, FailureClass failureClass) {
        run(() -> delegate.failed(queue, messageId, failure, attempt, failureClass));
    }

    @Override
    public void retried(String queue, @Nullable String messageId, int attemptsMade, Duration delay) {
        run(() -> delegate.retried(queue, messageId, attemptsMade, delay));
    }

    @Override
    public void deadLettered(String queue, @Nullable String messageId, String reason, int attempts) {
        run(() -> delegate.deadLettered(queue, messageId, reason, attempts));
    }

    @Override
    public void duplicate(String queue, @Nullable String messageId) {
        run(() -> delegate.duplicate(queue, messageId));
    }

    @Override
    public void published(String destination, boolean topic, String messageId, Object payload) {
        run(() -> delegate.published(destination, topic, messageId, payload));
    }

    private static void run(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("A delivery listener failed; ignoring it", e);
        }
    }
}
