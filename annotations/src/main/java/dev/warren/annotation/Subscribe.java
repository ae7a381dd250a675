package dev.warren.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a subscriber to a topic: every group gets its own copy of each event, and the
 * instances within one group compete for it.
 *
 * <p>Warren declares a durable topic exchange named {@link #topic()} and a durable queue
 * {@code <topic>.<group>} bound to it with {@code #}, plus its dead-letter queue. Adding a group
 * touches no publisher.
 *
 * <pre>{@code
 * @Subscribe(topic = "order.placed", group = "email")
 * void confirm(OrderPlaced event, MessageContext context) { ... }
 * }</pre>
 *
 * <p>Parameters and acknowledgement work as for {@link Consumer}.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Subscribe {

    /**
     * The topic, which is the name of the topic exchange events are published to.
     *
     * @return the topic name, never blank
     */
    String topic();

    /**
     * The subscriber group; every group receives every event once.
     *
     * @return the group name, never blank
     */
    String group();

    /**
     * Number of concurrent consumers on the group's queue in this application instance.
     *
     * @return a positive number, or {@code 0} for the configured default (1)
     */
    int concurrency() default 0;

    /**
     * How many unacknowledged messages the broker may push to each consumer ahead of processing.
     *
     * @return a positive number, or {@code 0} for the configured default (10)
     */
    int prefetch() default 0;

    /**
     * The RabbitMQ queue type Warren declares for the group's queue.
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
