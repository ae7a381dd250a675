package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenEngine;
import dev.warren.consumer.ConsumerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * Publishes what the engine counts as Micrometer meters, once its consumers run.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code warren.messages}</td><td>{@code queue}, {@code outcome}: processed, duplicate, retried,
 *       dead_lettered, rate_limited (waited for the rate limit)</td><td>messages by what became of them</td></tr>
 *   <tr><td>{@code warren.failures}</td><td>{@code queue}, {@code class}: permanent, transient, unknown</td>
 *       <td>failed attempts by failure class</td></tr>
 *   <tr><td>{@code warren.circuit.breaker.state}</td><td>{@code name}</td>
 *       <td>0 closed, 0.5 half-open, 1 open</td></tr>
 *   <tr><td>{@code warren.queue.depth}, {@code .consumers}, {@code .dead.letters}, {@code .oldest.age}</td>
 *       <td>{@code queue}</td><td>the broker's view at the last look (NaN before the first)</td></tr>
 * </table>
 */
public final class WarrenMeters {

    private WarrenMeters() {
    }

    public static void bind(dev.warren.WarrenOperations engine, MeterRegistry registry) {
        for (String queue : engine.consumerStats().keySet()) {
            counter(registry, engine, queue, "warren.messages", "outcome", "processed", ConsumerStats::processed);
            counter(registry, engine, queue, "warren.messages", "outcome", "duplicate", ConsumerStats::duplicates);
            counter(registry, engine, queue, "warren.messages", "outcome", "retried", ConsumerStats::retried);
            counter(registry, engine, queue, "warren.messages", "outcome", "dead_lettered", ConsumerStats::deadLettered);
            counter(registry, engine, queue, "warren.messages", "outcome", "rate_limited", ConsumerStats::rateLimited);
            counter(registry, engine, queue, "warren.failures", "class", "permanent", ConsumerStats::permanentFailures);
            counter(registry, engine, queue, "warren.failures", "class", "transient", ConsumerStats::transientFailures);
            counter(registry, engine, queue, "warren.failures", "class", "unknown", ConsumerStats::unknownFailures);
        }
        // Queue depth and age come from the RabbitMQ engine's monitor; JMS providers own their destinations.
        for (String queue : engine instanceof WarrenEngine rabbit ? rabbit.consumerStats().keySet() : java.util.Set.<String>of()) {
            queueGauge(registry, (WarrenEngine) engine, queue, "warren.queue.depth", "messages waiting", dev.warren.monitor.QueueHealth::depth);
            queueGauge(registry, (WarrenEngine) engine, queue, "warren.queue.consumers", "consumers from every instance",
                    dev.warren.monitor.QueueHealth::consumers);
            queueGauge(registry, (WarrenEngine) engine, queue, "warren.queue.dead.letters", "messages in the dead-letter queue",
                    dev.warren.monitor.QueueHealth::deadLetters);
            queueGauge(registry, (WarrenEngine) engine, queue, "warren.queue.oldest.age", "seconds the oldest message has waited",
                    h -> h.oldestMessageAge() == null ? 0 : h.oldestMessageAge().toSeconds());
        }
        for (String breaker : engine.circuitBreakerStates().keySet()) {
            Gauge.builder("warren.circuit.breaker.state", engine, e -> switch (e.circuitBreakerStates().getOrDefault(breaker, "CLOSED")) {
                case "OPEN", "FORCED_OPEN" -> 1.0;
                case "HALF_OPEN" -> 0.5;
                default -> 0.0;
            }).tag("name", breaker).description("0 closed, 0.5 half-open, 1 open").register(registry);
        }
    }

    private static void queueGauge(MeterRegistry registry, WarrenEngine engine, String queue, String name, String description,
            java.util.function.ToLongFunction<dev.warren.monitor.QueueHealth> read) {
        Gauge.builder(name, engine, e -> e.queueHealth().stream().filter(h -> h.queue().equals(queue)).findFirst()
                        .map(h -> (double) read.applyAsLong(h)).orElse(Double.NaN))
                .tag("queue", queue).description(description).register(registry);
    }

    private static void counter(MeterRegistry registry, dev.warren.WarrenOperations engine, String queue, String name,
            String tag, String value, java.util.function.ToLongFunction<ConsumerStats> read) {
        ToDoubleFunction<dev.warren.WarrenOperations> count = e -> {
            ConsumerStats stats = e.consumerStats().get(queue);
            return stats == null ? 0 : read.applyAsLong(stats);
        };
        FunctionCounter.builder(name, engine, count).tag("queue", queue).tag(tag, value).register(registry);
    }
}
