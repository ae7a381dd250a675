package dev.warren.internal.pipeline;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A delivered message as the pipeline sees it, whatever transport brought it.
 *
 * @param queue the queue it was consumed from
 * @param body the body, untouched
 * @param contentType the declared content type, if any
 * @param messageId the message id, if any
 * @param redelivered whether the broker flagged it as redelivered
 * @param headers the application headers
 * @param contentEncoding the declared content encoding, if any
 */
public record InboundMessage(
        String queue,
        byte[] body,
        @Nullable String contentType,
        @Nullable String messageId,
        boolean redelivered,
        Map<String, Object> headers,
        @Nullable String contentEncoding) {

    /** Header that carries how many attempts were made before this delivery. */
    public static final String ATTEMPTS_HEADER = "x-warren-attempts";

    /**
     * Header in which the publisher numbers each publish, so that a message the broker returns
     * (basic.return) settles its own publish rather than another of the same {@code message_id}. Set
     * on every publish, copies included; handlers never see it.
     */
    public static final String PUBLISH_CORRELATION_HEADER = "x-warren-publish-correlation";

    /** A message without a content encoding. */
    public InboundMessage(String queue, byte[] body, @Nullable String contentType, @Nullable String messageId,
            boolean redelivered, Map<String, Object> headers) {
        this(queue, body, contentType, messageId, redelivered, headers, null);
    }

    /**
     * Which attempt this delivery is: one more than the attempts recorded in the header. A header
     * that does not hold a plausible count (see {@link HeaderValues#attempts}) makes it the first.
     */
    public int attempt() {
        return HeaderValues.attempts(headers.get(ATTEMPTS_HEADER)) + 1;
    }
}
