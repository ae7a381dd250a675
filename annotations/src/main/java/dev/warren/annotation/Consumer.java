package dev.warren.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as the handler of a point-to-point queue: each message goes to exactly one of
 * the competing handler instances.
 *
 * <p>Warren declares a durable queue named {@link #queue()} (quorum by default) and its dead-letter
 * queue {@code <queue>.dlq}. Publishing JSON to the default exchange with routing key
 * {@code queue} reaches the handler, so any AMQP client can send work.
 *
 * <pre>{@code
 * @Consumer(queue = "video.process")
 * void process(VideoJob job) { ... }
 * }</pre>
 *
 * <p>The method takes the payload as its one parameter, whose declared type (records, generics
 * and nested types included) is what the JSON body decodes into, and optionally a
 * {@code dev.warren.MessageContext}. The message is acknowledged after the method returns; an
 * exception or an undecodable body sends it to the dead-letter queue with the reason.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Consumer {

    /**
     * The queue to consume; also the routing key a producer uses on the default exchange.
     *
     * @return the queue name, never blank
     */
    String queue();

    /**
     * Number of concurrent consumers on this queue in this application instance.
     *
     * @return a positive number, or {@code 0} for the configured default (1)
     */
    int concurrency() default 0;

    /**
     * How many unacknowledged messages the broker may push to each consumer ahead of processing.
     * Keep it small for slow work so that idle instances get their share.
     *
     * @return a positive number, or {@code 0} for the configured default (10)
     */
    int prefetch() default 0;

    /**
     * The RabbitMQ queue type Warren declares.
     *
     * @return the queue type; {@link QueueType#DEFAULT} takes the configured default (quorum)
     */
    QueueType queueType() default QueueType.DEFAULT;

    /**
     * How failures are retried before the message goes to the dead-letter queue.
     *
     * @return the retry policy; its unset attributes take the configured defaults
     */
    Retry retry() default @Retry;

    /**
     * When messages are acknowledged.
     *
     * @return the delivery guarantee; {@link Delivery#DEFAULT} takes the configured default
     *     (at-least-once)
     */
    Delivery delivery() default Delivery.DEFAULT;

    /**
     * Whether a message whose key was already processed successfully is acknowledged and skipped.
     * Two copies arriving at once are never both processed.
     *
     * @return {@code true} to deduplicate
     */
    boolean idempotent() default false;

    /**
     * The payload field that identifies a message for deduplication: a top-level JSON field name
     * ({@code "orderId"}) or a JSON pointer ({@code "/order/id"}). Empty means the AMQP
     * {@code message_id}.
     *
     * @return the key field, or empty for the message id
     */
    String idempotencyKey() default "";

    /**
     * The circuit breaker this handler's calls go through. Handlers that call the same dependency
     * share a breaker by giving the same name; while it is open, Warren stops consuming from all of
     * their queues, and the messages wait there untouched. Configure it under
     * {@code warren.circuit-breakers.<name>}; by default it opens after 5 consecutive failures and
     * tries again after 30 s. Permanent failures (bad input) do not count.
     *
     * @return the breaker's name, or empty for none
     */
    String circuitBreaker() default "";

    /**
     * The most messages per second (or minute, or hour) this handler processes in this instance,
     * across its concurrency: {@code "100/s"}, {@code "600/m"}. A message waiting for its turn is
     * neither acknowledged nor dropped; prefetch bounds how many wait in memory.
     *
     * @return the rate, or empty for no limit
     */
    String rateLimit() default "";
}
