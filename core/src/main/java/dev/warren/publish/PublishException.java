package dev.warren.publish;

import dev.warren.WarrenException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message the broker did not accept, or did not confirm in time. The message may be anywhere
 * but in the intended queue, so the caller decides: retry, report, or fail the request.
 *
 * @since 0.1
 */
public final class PublishException extends WarrenException {

    private static final long serialVersionUID = 1L;

    /** Why a publish failed. */
    public enum Reason {
        /** No queue received the message: the queue does not exist, or no group subscribes. */
        UNROUTABLE,
        /** The broker refused the message (a negative confirm). */
        NACKED,
        /** No confirm arrived within the configured timeout. The broker may still have it. */
        TIMEOUT,
        /** The connection or channel closed before the confirm. The broker may still have it. */
        CONNECTION_LOST,
        /** The payload could not be encoded as JSON; nothing was sent. */
        ENCODING_FAILED,
        /**
         * The broker blocked the publishing connection (a memory or disk alarm) for the whole
         * confirm timeout; nothing was sent.
         */
        BLOCKED
    }

    private final Reason reason;
    private final String messageId;

    /**
     * Creates the exception.
     *
     * @param reason why the publish failed
     * @param messageId the message's id
     * @param message what happened and what to do
     * @param cause the underlying failure, if any
     */
    public PublishException(Reason reason, String messageId, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.messageId = Objects.requireNonNull(messageId, "messageId");
    }

    /**
     * Why the publish failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The id of the message that failed.
     *
     * @return the message id
     */
    public String messageId() {
        return messageId;
    }
}
