package dev.warren;

import dev.warren.publish.PublishException;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import java.util.concurrent.CompletableFuture;

/**
 * Sends work to queues and publishes events to topics, waiting for the broker to confirm each
 * message.
 *
 * <pre>{@code
 * warren.send("video.process", new VideoJob(videoId, List.of("thumbnail", "720p")));
 * warren.publish("order.placed", new OrderPlaced(orderId));
 * warren.sendAsync("video.process", job).thenAccept(receipt -> log.info("queued {}", receipt.messageId()));
 * }</pre>
 *
 * <p>Every message is JSON ({@code content_type} application/json), persistent, and carries a
 * {@code message_id} (a random UUID unless {@link PublishOptions} gives one) and a
 * {@code timestamp}. No Java type names travel with it: the consumer's handler signature says what
 * the payload is.
 *
 * <p>Failures are never silent. {@link #send} to a queue that does not exist, a message the
 * broker refuses, or a confirm that does not arrive in time throws a {@link PublishException}
 * (the async forms complete exceptionally with it). An event {@link #publish published} to a
 * topic that no group subscribes to yet is not an error, because that is what publish/subscribe
 * means; its receipt says {@link PublishReceipt#routed() routed() == false}, unless the caller asks
 * for {@link PublishOptions.Builder#mandatory(boolean) mandatory} delivery.
 *
 * <p>Thread-safe: share one instance across the application.
 *
 * @since 0.1
 */
public interface Warren {

    /**
     * Sends a message to a queue through the default exchange and waits for the broker's confirm.
     *
     * @param queue the queue, as named in {@code @Consumer(queue = ...)}
     * @param payload the message, encoded as JSON
     * @return the receipt of the confirmed message
     * @throws PublishException when the queue does not exist, the broker refuses the message, or
     *     the confirm does not arrive within the configured timeout
     */
    default PublishReceipt send(String queue, Object payload) {
        return send(queue, payload, PublishOptions.defaults());
    }

    /**
     * Sends a message to a queue with options and waits for the broker's confirm.
     *
     * @param queue the queue, as named in {@code @Consumer(queue = ...)}
     * @param payload the message, encoded as JSON
     * @param options the message id, headers and other options
     * @return the receipt of the confirmed message
     * @throws PublishException as for {@link #send(String, Object)}
     */
    PublishReceipt send(String queue, Object payload, PublishOptions options);

    /**
     * Sends a message to a queue without waiting.
     *
     * @param queue the queue
     * @param payload the message, encoded as JSON
     * @return a future completed with the receipt when the broker confirms, or exceptionally with a
     *     {@link PublishException}; completed on a Warren thread, never on a broker I/O thread
     */
    default CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload) {
        return sendAsync(queue, payload, PublishOptions.defaults());
    }

    /**
     * Sends a message to a queue with options, without waiting.
     *
     * @param queue the queue
     * @param payload the message, encoded as JSON
     * @param options the message id, headers and other options
     * @return a future completed as for {@link #sendAsync(String, Object)}
     */
    CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload, PublishOptions options);

    /**
     * Publishes an event to a topic and waits for the broker's confirm. Every subscriber group
     * receives a copy. The topic's exchange is declared when it does not exist yet.
     *
     * @param topic the topic, as named in {@code @Subscribe(topic = ...)}
     * @param event the event, encoded as JSON
     * @return the receipt; {@link PublishReceipt#routed()} is {@code false} when no group subscribes
     * @throws PublishException when the broker refuses the event or the confirm does not arrive in
     *     time, or when no group subscribes and the options ask for mandatory delivery
     */
    default PublishReceipt publish(String topic, Object event) {
        return publish(topic, event, PublishOptions.defaults());
    }

    /**
     * Publishes an event to a topic with options and waits for the broker's confirm.
     *
     * @param topic the topic
     * @param event the event, encoded as JSON
     * @param options the message id, headers, routing key and mandatory flag
     * @return the receipt
     * @throws PublishException as for {@link #publish(String, Object)}
     */
    PublishReceipt publish(String topic, Object event, PublishOptions options);

    /**
     * Publishes an event to a topic without waiting.
     *
     * @param topic the topic
     * @param event the event, encoded as JSON
     * @return a future completed as for {@link #sendAsync(String, Object)}
     */
    default CompletableFuture<PublishReceipt> publishAsync(String topic, Object event) {
        return publishAsync(topic, event, PublishOptions.defaults());
    }

    /**
     * Publishes an event to a topic with options, without waiting.
     *
     * @param topic the topic
     * @param event the event, encoded as JSON
     * @param options the message id, headers, routing key and mandatory flag
     * @return a future completed as for {@link #sendAsync(String, Object)}
     */
    CompletableFuture<PublishReceipt> publishAsync(String topic, Object event, PublishOptions options);

    /**
     * Sends a message to a queue for delivery later, and waits for the broker's confirm that it
     * holds it. The message waits in durable delay queues on the broker; see {@link dev.warren.publish.Delay}.
     *
     * @param queue the queue
     * @param payload the message, encoded as JSON
     * @param delay when to deliver it
     * @return the receipt of the confirmed message
     * @throws PublishException as {@link #send(String, Object)}
     */
    default PublishReceipt send(String queue, Object payload, dev.warren.publish.Delay delay) {
        return send(queue, payload, PublishOptions.builder().delay(delay).build());
    }

    /**
     * Publishes an event to a topic for delivery later.
     *
     * @param topic the topic
     * @param event the event, encoded as JSON
     * @param delay when to deliver it
     * @return the receipt of the confirmed message
     * @throws PublishException as {@link #publish(String, Object)}
     */
    default PublishReceipt publish(String topic, Object event, dev.warren.publish.Delay delay) {
        return publish(topic, event, PublishOptions.builder().delay(delay).build());
    }
}
