package dev.warren.publish;

import java.util.Objects;

/**
 * The broker's confirmation of one published message.
 *
 * @param messageId the message's {@code message_id}
 * @param routed {@code false} when the broker accepted the message but no queue was bound to
 *     receive it (an event nobody subscribes to yet); always {@code true} for a sent message
 * @since 0.1
 */
public record PublishReceipt(String messageId, boolean routed) {

    /**
     * Validates the receipt.
     */
    public PublishReceipt {
        Objects.requireNonNull(messageId, "messageId");
    }
}
