package dev.warren;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a handler may learn about the message it is processing, besides its payload. Declare it as
 * a second handler parameter:
 *
 * <pre>{@code
 * @Subscribe(topic = "order.placed", group = "email")
 * void confirm(OrderPlaced event, MessageContext context) {
 *     log.info("order {} (message {}, attempt {})", event.orderId(), context.messageId(), context.attempt());
 * }
 * }</pre>
 *
 * <p>Instances are immutable and belong to one delivery; they are safe to pass to other threads.
 *
 * @since 0.1
 */
public interface MessageContext {

    /**
     * The AMQP {@code message_id} of the message, as set by its publisher.
     *
     * @return the message id, or {@code null} when the publisher set none
     */
    @Nullable String messageId();

    /**
     * Which attempt at processing this message this is, starting at 1. Warren counts attempts in
     * the {@code x-warren-attempts} header, never in broker-specific headers.
     *
     * @return the attempt number, at least 1
     */
    int attempt();

    /**
     * Whether the broker flagged this delivery as redelivered, which happens after a consumer
     * died or lost its connection before acknowledging it. The handler may have seen it before.
     *
     * @return {@code true} for a redelivery
     */
    boolean redelivered();

    /**
     * The queue the message was consumed from.
     *
     * @return the queue name
     */
    String queue();

    /**
     * The message's application headers.
     *
     * @return an unmodifiable map of header name to value; empty when there are none
     */
    Map<String, Object> headers();
}
