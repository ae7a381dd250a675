package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenEngine;
import dev.warren.consumer.ConsumerState;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Warren's part of the health endpoint ({@code /actuator/health/warren}): down while the engine is
 * not running or a handler's consumer does not consume (its queue was deleted, the broker
 * cancelled it, its connection is lost or refused), naming those queues in {@code notConsuming};
 * up otherwise, with each consumer's state, the state of every circuit breaker, and the alerts
 * raised by the queue monitor and the outbox. A consumer paused by its open breaker, an open
 * breaker or an alert keeps the application up: restarting it would not bring back a dependency
 * that is down, drain a backlog or publish an outbox whose broker is unreachable.
 */
public final class WarrenHealthIndicator implements HealthIndicator {

    private final dev.warren.WarrenOperations engine;
    private final java.util.function.Supplier<java.util.List<dev.warren.monitor.AlertSource>> alertSources;

    public WarrenHealthIndicator(dev.warren.WarrenOperations engine) {
        this(engine, java.util.List::of);
    }

    /**
     * @param engine the engine
     * @param alertSources the other parts that raise alerts, such as the outbox, looked up at each call
     */
    public WarrenHealthIndicator(dev.warren.WarrenOperations engine,
            java.util.function.Supplier<java.util.List<dev.warren.monitor.AlertSource>> alertSources) {
        this.engine = engine;
        this.alertSources = alertSources;
    }

    @Override
    public Health health() {
        Map<String, String> breakers = engine.circuitBreakerStates();
        Map<String, ConsumerState> states = engine.consumerStates();
        Collection<String> names = engine instanceof WarrenEngine rabbit ? rabbit.consumerSettings().keySet()
                : engine.consumerStats().keySet();
        Map<String, ConsumerState> consumers = new LinkedHashMap<>();
        names.forEach(name -> consumers.put(name, states.getOrDefault(name, ConsumerState.NOT_CONSUMING)));
        consumers.putAll(states);
        List<String> notConsuming = consumers.entrySet().stream()
                .filter(entry -> entry.getValue() == ConsumerState.NOT_CONSUMING).map(Map.Entry::getKey).toList();
        Health.Builder health = engine.isRunning() && notConsuming.isEmpty() ? Health.up() : Health.down();
        health.withDetail("consumers", consumers);
        if (engine.isRunning() && !notConsuming.isEmpty()) {
            health.withDetail("notConsuming", notConsuming);
        }
        if (!breakers.isEmpty()) {
            health.withDetail("circuitBreakers", breakers);
            long open = breakers.values().stream().filter(state -> !state.equals("CLOSED")).count();
            health.withDetail("openCircuitBreakers", open);
        }
        java.util.Set<String> alerts = new java.util.TreeSet<>();
        // Queue depths and alerts come from the RabbitMQ engine's monitor; the outbox raises its own.
        if (engine instanceof WarrenEngine rabbit) {
            alerts.addAll(rabbit.activeAlerts());
        }
        alertSources.get().forEach(source -> alerts.addAll(source.activeAlerts()));
        if (!alerts.isEmpty()) {
            health.withDetail("alerts", alerts);
        }
        if (engine instanceof WarrenEngine rabbit) {
            health.withDetail("queues", rabbit.queueHealth());
        }
        return health.build();
    }
}
