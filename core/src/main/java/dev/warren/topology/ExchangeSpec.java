package dev.warren.topology;

import java.util.Objects;

/**
 * A durable exchange Warren declares.
 *
 * @param name the exchange name
 * @param type the AMQP exchange type, {@code topic} or {@code direct}
 * @since 0.1
 */
public record ExchangeSpec(String name, String type) {

    /**
     * Validates the spec.
     */
    public ExchangeSpec {
        Topology.requireName(name, "exchange");
        Objects.requireNonNull(type, "type");
    }

    /**
     * A durable topic exchange, as every topic has.
     *
     * @param name the topic
     * @return the spec
     */
    public static ExchangeSpec topic(String name) {
        return new ExchangeSpec(name, "topic");
    }
}
