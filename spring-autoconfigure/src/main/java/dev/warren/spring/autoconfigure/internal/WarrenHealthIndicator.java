package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenEngine;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Warren's part of the health endpoint ({@code /actuator/health/warren}): down while the engine is
 * not running; up otherwise, with the state of every circuit breaker and the queues behind open
 * ones. An open breaker keeps the application up: it protects a dependency that is down, and
 * restarting the application would not bring that dependency back.
 */
public final class WarrenHealthIndicator implements HealthIndicator {

    private final dev.warren.WarrenOperations engine;

    public WarrenHealthIndicator(dev.warren.WarrenOperations engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        Map<String, String> breakers = engine.circuitBreakerStates();
        Health.Builder health = engine.isRunning() ? Health.up() : Health.down();
        health.withDetail("consumers", engine instanceof WarrenEngine rabbit ? rabbit.consumerSettings().keySet()
                : engine.consumerStats().keySet());
        if (!breakers.isEmpty()) {
            health.withDetail("circuitBreakers", breakers);
            long open = breakers.values().stream().filter(state -> !state.equals("CLOSED")).count();
            health.withDetail("openCircuitBreakers", open);
        }
        if (engine instanceof WarrenEngine rabbit) {
            // Queue depths and alerts come from the RabbitMQ engine's monitor.
            if (!rabbit.activeAlerts().isEmpty()) {
                health.withDetail("alerts", rabbit.activeAlerts());
            }
            health.withDetail("queues", rabbit.queueHealth());
        }
        return health.build();
    }
}
