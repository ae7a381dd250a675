package dev.warren.topology;

import java.util.Objects;

/**
 * A binding of a queue, or of another exchange, to an exchange.
 *
 * @param exchange the exchange messages come from
 * @param queue the queue they go to, or the destination exchange when {@code toExchange}
 * @param routingKey the binding key
 * @param toExchange whether {@code queue} names an exchange (an exchange-to-exchange binding)
 * @since 0.1
 */
public record BindingSpec(String exchange, String queue, String routingKey, boolean toExchange) {

    /**
     * Validates the spec.
     */
    public BindingSpec {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(routingKey, "routingKey");
    }

    /**
     * A binding of a queue to an exchange.
     *
     * @param exchange the exchange
     * @param queue the queue
     * @param routingKey the binding key
     */
    public BindingSpec(String exchange, String queue, String routingKey) {
        this(exchange, queue, routingKey, false);
    }

    /**
     * A binding of one exchange to another.
     *
     * @param source the exchange messages come from
     * @param destination the exchange they go to
     * @param routingKey the binding key
     * @return the binding
     */
    public static BindingSpec exchangeToExchange(String source, String destination, String routingKey) {
        return new BindingSpec(source, destination, routingKey, true);
    }
}
