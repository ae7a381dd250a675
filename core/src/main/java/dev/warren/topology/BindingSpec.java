package dev.warren.topology;

import java.util.Objects;

/**
 * A binding of a queue to an exchange.
 *
 * @param exchange the exchange
 * @param queue the queue
 * @param routingKey the binding key
 * @since 0.1
 */
public record BindingSpec(String exchange, String queue, String routingKey) {

    /**
     * Validates the spec.
     */
    public BindingSpec {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(routingKey, "routingKey");
    }
}
