package dev.warren.protection;

import java.time.Instant;
import java.util.List;

/**
 * A circuit breaker changed state, and Warren paused or resumed the consumers behind it. Handed to
 * the application once per transition: in Spring Boot as an application event,
 * {@code @EventListener void on(CircuitBreakerTransition transition)}.
 *
 * @param name the breaker
 * @param from the state it left: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
 * @param to the state it entered
 * @param queues the queues whose consumers it guards
 * @param at when it happened
 * @since 0.1
 */
public record CircuitBreakerTransition(String name, String from, String to, List<String> queues, Instant at) {

    /**
     * Copies the list.
     */
    public CircuitBreakerTransition {
        queues = List.copyOf(queues);
    }
}
