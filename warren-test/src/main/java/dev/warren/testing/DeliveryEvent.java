package dev.warren.testing;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing that happened to a message, as the {@link WarrenHarness} recorded it.
 *
 * <pre>{@code
 * long retries = harness.events().stream().filter(event -> event.kind() == DeliveryEvent.Kind.RETRIED).count();
 * }</pre>
 *
 * @param kind what happened
 * @param queue the queue the message came from; for {@link Kind#PUBLISHED}, the queue or topic it went to
 * @param messageId its message id, if it had one
 * @param attempt the attempt that was consumed or failed, the attempts made before a retry or a
 *     dead letter; 0 for duplicates and publishes
 * @param payload the decoded payload the handler got, or what was published; otherwise {@code null}
 * @param failure what a failed attempt threw; otherwise {@code null}
 * @param reason why it was dead-lettered; otherwise {@code null}
 * @param delay how long a retry waits; otherwise {@code null}
 * @since 0.1
 */
public record DeliveryEvent(Kind kind, String queue, @Nullable String messageId, int attempt, @Nullable Object payload,
        @Nullable Throwable failure, @Nullable String reason, @Nullable Duration delay) {

    /** What happened to a message. */
    public enum Kind {
        /** A handler processed it. */
        CONSUMED,
        /** An attempt failed: the handler threw, or the body did not decode or validate. */
        FAILED,
        /** It waits in a delay queue to be tried again. */
        RETRIED,
        /** It is in the dead-letter queue, with a reason. */
        DEAD_LETTERED,
        /** An idempotent handler skipped it as one it had processed before. */
        DUPLICATE,
        /** Warren's publisher sent it and the broker confirmed it. */
        PUBLISHED
    }

    /**
     * Checks the kind and the queue.
     */
    public DeliveryEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(queue, "queue");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(kind).append(' ').append(queue);
        if (messageId != null) {
            text.append(" message ").append(messageId);
        }
        if (attempt > 0) {
            text.append(" attempt ").append(attempt);
        }
        if (payload != null) {
            String shown = String.valueOf(payload);
            text.append(": ").append(shown.length() > 200 ? shown.substring(0, 200) + "..." : shown);
        }
        if (failure != null) {
            text.append(": ").append(failure);
        }
        if (reason != null) {
            text.append(": ").append(reason);
        }
        if (delay != null) {
            text.append(" in ").append(delay.toMillis()).append(" ms");
        }
        return text.toString();
    }
}
