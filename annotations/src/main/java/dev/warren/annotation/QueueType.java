package dev.warren.annotation;

/**
 * The RabbitMQ queue type of a handler's queue.
 *
 * @since 0.1
 */
public enum QueueType {

    /** Whatever the application configures as default; quorum unless set otherwise. */
    DEFAULT,

    /** A replicated quorum queue: the durable, data-safe choice and Warren's default. */
    QUORUM,

    /** A classic queue, for brokers or workloads that need one. */
    CLASSIC
}
