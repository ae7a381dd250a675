package dev.warren;

import dev.warren.consumer.ConsumerState;
import dev.warren.consumer.ConsumerStats;
import dev.warren.deadletter.DeadLetters;
import java.util.Map;

/**
 * What an operator sees of a running engine, whatever its transport: its consumers, circuit
 * breakers and dead letters. {@link WarrenEngine} (RabbitMQ) and the JMS engine both offer it, so
 * that the Actuator endpoint and the meters work on either.
 *
 * @since 0.1
 */
public interface WarrenOperations {

    /**
     * Whether the consumers are running.
     *
     * @return {@code true} between start and stop
     */
    boolean isRunning();

    /**
     * What each handler's consumer has done since start.
     *
     * @return consumer name to its statistics
     */
    Map<String, ConsumerStats> consumerStats();

    /**
     * Whether each handler's consumer takes messages from its queue right now: running, paused by
     * its open circuit breaker, or not consuming (queue deleted, consumer cancelled by the broker,
     * connection lost or refused).
     *
     * @return consumer name (its queue, or {@code <topic>.<group>}) to its state; empty before start
     */
    Map<String, ConsumerState> consumerStates();

    /**
     * The state of each circuit breaker.
     *
     * @return breaker name to CLOSED, OPEN or HALF_OPEN
     */
    Map<String, String> circuitBreakerStates();

    /**
     * Dead-letter operations on the engine's queues.
     *
     * @return the operations
     */
    DeadLetters deadLetters();
}
