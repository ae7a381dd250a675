package dev.warren.jms;

/**
 * How a JMS handler's retry copy waits out its backoff without blocking the queue.
 *
 * @since 0.1
 */
public enum RetryDelivery {

    /**
     * The provider holds the copy: it is sent back to the queue with a JMS 2.0 delivery delay.
     * ActiveMQ Artemis supports it; the RabbitMQ JMS client needs a broker plugin for it.
     */
    DELIVERY_DELAY,

    /**
     * The copy waits in a delay queue per backoff step, {@code <queue>.retry.<delay>}, as on
     * RabbitMQ, and Warren moves it back when it is due. Works on every provider; the wait
     * survives restarts of the application.
     */
    DELAY_QUEUES
}
