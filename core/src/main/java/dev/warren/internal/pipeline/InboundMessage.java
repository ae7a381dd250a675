package dev.warren.internal.pipeline;

import dev.warren.internal.WarrenHeaders;
import java.time.Instant;
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
 * @param size the body's size in bytes as the transport measured it: the length of {@code body},
 *     unless the transport left an oversize body unread and passes an empty one
 * @param publishedAt when the message was published, if the publisher said
 * @param routingKey the routing key it was delivered with, for traces; {@code null} where the
 *     transport has none (JMS)
 */
public record InboundMessage(
        String queue,
        byte[] body,
        @Nullable String contentType,
        @Nullable String messageId,
        boolean redelivered,
        Map<String, Object> headers,
        @Nullable String contentEncoding,
        long size,
        @Nullable Instant publishedAt,
        @Nullable String routingKey) {

    /** A message without a routing key. */
    public InboundMessage(String queue, byte[] body, @Nullable String contentType, @Nullable String messageId,
            boolean redelivered, Map<String, Object> headers, @Nullable String contentEncoding, long size,
            @Nullable Instant publishedAt) {
        this(queue, body, contentType, messageId, redelivered, headers, contentEncoding, size, publishedAt, null);
    }

    /** A message read whole, with its content encoding and publish time. */
    public InboundMessage(String queue, byte[] body, @Nullable String contentType, @Nullable String messageId,
            boolean redelivered, Map<String, Object> headers, @Nullable String contentEncoding, @Nullable Instant publishedAt) {
        this(queue, body, contentType, messageId, redelivered, headers, contentEncoding, body.length, publishedAt, null);
    }

    /** A message without a content encoding. */
    public InboundMessage(String queue, byte[] body, @Nullable String contentType, @Nullable String messageId,
            boolean redelivered, Map<String, Object> headers) {
        this(queue, body, contentType, messageId, redelivered, headers, null, body.length, null, null);
    }

    /**
     * Which attempt this delivery is: one more than the attempts recorded in the header. A header
     * that does not hold a plausible count (see {@link HeaderValues#attempts}) makes it the first.
     */
    public int attempt() {
        return HeaderValues.attempts(headers.get(WarrenHeaders.ATTEMPTS)) + 1;
    }
}
