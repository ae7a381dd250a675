package dev.warren.annotation;

/**
 * When a handler's messages are acknowledged, and so what a crash costs.
 *
 * @since 0.1
 */
public enum Delivery {

    /** Whatever the application configures as default; at-least-once unless set otherwise. */
    DEFAULT,

    /**
     * Acknowledged after the handler returns. A crash or a lost connection before that means the
     * broker delivers the message again, so the handler may see it twice: make it idempotent.
     * The right choice for almost everything.
     */
    AT_LEAST_ONCE,

    /**
     * Acknowledged before the handler runs, and never retried. A crash while it runs loses that
     * message, and only that one. For metrics, logs and data that is worthless when late. A
     * handler that throws still sends the message to the dead-letter queue.
     */
    AT_MOST_ONCE
}
