package dev.warren.topology;

import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import dev.warren.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything Warren declares on the broker for a set of handlers: exchanges first, then queues,
 * then bindings. Declaring it twice changes nothing.
 *
 * <p>For {@code @Consumer(queue = "q")}: a queue {@code q} and its dead-letter queue {@code q.dlq}.
 * For {@code @Subscribe(topic = "t", group = "g")}: a topic exchange {@code t}, a queue {@code t.g}
 * bound to it with {@code #}, and {@code t.g.dlq}. Every dead-letter queue is bound to the shared
 * direct exchange {@value #DEAD_LETTER_EXCHANGE} with its work queue's name as routing key. A handler
 * that retries gets one delay queue {@code q.retry.<delay>} per backoff step.
 *
 * <pre>{@code
 * Topology topology = Topology.builder()
 *         .workQueue("video.process", QueueType.QUORUM)
 *         .subscription("order.placed", "email", QueueType.QUORUM)
 *         .build();
 * }</pre>
 *
 * @param exchanges the exchanges, in declaration order
 * @param queues the queues, in declaration order
 * @param bindings the bindings, in declaration order
 * @since 0.1
 */
public record Topology(List<ExchangeSpec> exchanges, List<QueueSpec> queues, List<BindingSpec> bindings) {

    /** The direct exchange through which every Warren queue dead-letters to its {@code .dlq}. */
    public static final String DEAD_LETTER_EXCHANGE = "warren.dlx";

    /** The binding key of a subscription queue: every event on the topic. */
    public static final String ALL_EVENTS = "#";

    /**
     * Copies the lists.
     */
    public Topology {
        exchanges = List.copyOf(exchanges);
        queues = List.copyOf(queues);
        bindings = List.copyOf(bindings);
    }

    /**
     * Starts an empty topology.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The name of the queue of a subscriber group.
     *
     * @param topic the topic
     * @param group the group
     * @return {@code <topic>.<group>}
     */
    public static String subscriptionQueueName(String topic, String group) {
        return topic + "." + group;
    }

    /**
     * Finds a queue by name.
     *
     * @param name the queue name
     * @return the queue, or {@code null} when this topology has none of that name
     */
    public @Nullable QueueSpec queue(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * This topology as RabbitMQ definitions, the format of {@code rabbitmqctl import_definitions}
     * and of the management API's {@code POST /api/definitions}, so that whoever owns the broker
     * can create it: every exchange and queue durable and not auto-deleted, with its arguments.
     * Serialise it with any JSON mapper.
     *
     * <pre>{@code
     * Map<String, Object> definitions = engine.fullTopology().toDefinitions("orders");
     * Files.writeString(Path.of("warren.json"), new JsonMapper().writeValueAsString(definitions));
     * // rabbitmqctl import_definitions warren.json
     * }</pre>
     *
     * @param virtualHost the virtual host to create the objects in
     * @return {@code {"queues": [...], "exchanges": [...], "bindings": [...]}}, in declaration order
     */
    public Map<String, Object> toDefinitions(String virtualHost) {
        Objects.requireNonNull(virtualHost, "virtualHost");
        List<Map<String, Object>> queueDefinitions = new ArrayList<>();
        for (QueueSpec queue : queues) {
            Map<String, Object> definition = new LinkedHashMap<>();
            definition.put("name", queue.name());
            definition.put("vhost", virtualHost);
            definition.put("durable", true);
            definition.put("auto_delete", false);
            definition.put("arguments", new java.util.TreeMap<>(queue.arguments()));
            queueDefinitions.add(definition);
        }
        List<Map<String, Object>> exchangeDefinitions = new ArrayList<>();
        for (ExchangeSpec exchange : exchanges) {
            Map<String, Object> definition = new LinkedHashMap<>();
            definition.put("name", exchange.name());
            definition.put("vhost", virtualHost);
            definition.put("type", exchange.type());
            definition.put("durable", true);
            definition.put("auto_delete", false);
            definition.put("internal", false);
            definition.put("arguments", Map.of());
            exchangeDefinitions.add(definition);
        }
        List<Map<String, Object>> bindingDefinitions = new ArrayList<>();
        for (BindingSpec binding : bindings) {
            Map<String, Object> definition = new LinkedHashMap<>();
            definition.put("source", binding.exchange());
            definition.put("vhost", virtualHost);
            definition.put("destination", binding.queue());
            definition.put("destination_type", binding.toExchange() ? "exchange" : "queue");
            definition.put("routing_key", binding.routingKey());
            definition.put("arguments", Map.of());
            bindingDefinitions.add(definition);
        }
        Map<String, Object> definitions = new LinkedHashMap<>();
        definitions.put("queues", queueDefinitions);
        definitions.put("exchanges", exchangeDefinitions);
        definitions.put("bindings", bindingDefinitions);
        return definitions;
    }

    static String requireName(@Nullable String name, String what) {
        if (name == null || name.isBlank()) {
            throw new WarrenException(what + " name must not be blank but was '" + name + "'");
        }
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > 255) {
            throw new WarrenException(what + " name must be at most 255 bytes of UTF-8 (an AMQP short string) but '" + name
                    + "' has " + bytes);
        }
        return name;
    }

    /** Builds a {@link Topology}; rejects two different declarations of one name. Not thread-safe. */
    public static final class Builder {

        private final Map<String, ExchangeSpec> exchanges = new LinkedHashMap<>();
        private final Map<String, QueueSpec> queues = new LinkedHashMap<>();
        private final List<BindingSpec> bindings = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a point-to-point work queue and its dead-letter queue.
         *
         * @param queue the queue name
         * @param type quorum or classic
         * @return this builder
         */
        public Builder workQueue(String queue, QueueType type) {
            return workQueue(queue, type, RetryPolicy.builder().maxAttempts(1).build());
        }

        /**
         * Adds a point-to-point work queue, its dead-letter queue, and the delay queues its retry
         * policy needs.
         *
         * @param queue the queue name
         * @param type quorum or classic
         * @param retry the retry policy of its handler
         * @return this builder
         */
        public Builder workQueue(String queue, QueueType type, RetryPolicy retry) {
            return workQueue(queue, type, retry, Map.of());
        }

        /**
         * Adds a work queue with further declaration arguments, its dead-letter queue and its
         * delay queues.
         *
         * @param queue the queue name
         * @param type quorum or classic
         * @param retry the retry policy of its handler
         * @param arguments further arguments, such as {@code x-max-length}
         * @return this builder
         */
        public Builder workQueue(String queue, QueueType type, RetryPolicy retry, Map<String, Object> arguments) {
            ensureDeadLetterExchange();
            addQueue(QueueSpec.workQueue(queue, type, Math.max(QueueSpec.DEFAULT_DELIVERY_LIMIT, retry.maxAttempts()), arguments));
            addQueue(QueueSpec.deadLetterQueue(queue, type));
            bindings.add(new BindingSpec(DEAD_LETTER_EXCHANGE, QueueSpec.deadLetterQueueName(queue), queue));
            return delayQueues(queue, type, retry.delays());
        }

        /**
         * Adds delay queues for a work queue, besides those of its retry policy.
         *
         * @param queue the work queue
         * @param type quorum or classic
         * @param delays the delays
         * @return this builder
         */
        public Builder delayQueues(String queue, QueueType type, java.util.Collection<Duration> delays) {
            for (Duration delay : delays) {
                addQueue(QueueSpec.delayQueue(queue, delay, type));
            }
            return this;
        }

        /**
         * Adds a topic's exchange and a group's queue bound to it, with its dead-letter queue.
         *
         * @param topic the topic
         * @param group the subscriber group
         * @param type quorum or classic
         * @return this builder
         */
        public Builder subscription(String topic, String group, QueueType type) {
            return subscription(topic, group, type, RetryPolicy.builder().maxAttempts(1).build());
        }

        /**
         * Adds a topic's exchange and a group's queue bound to it, with its dead-letter queue and
         * the delay queues its retry policy needs.
         *
         * @param topic the topic
         * @param group the subscriber group
         * @param type quorum or classic
         * @param retry the retry policy of its handler
         * @return this builder
         */
        public Builder subscription(String topic, String group, QueueType type, RetryPolicy retry) {
            return subscription(topic, group, type, retry, Map.of());
        }

        /**
         * Adds a topic's exchange and a group's queue with further arguments, bound to it, with its
         * dead-letter queue and delay queues.
         *
         * @param topic the topic
         * @param group the subscriber group
         * @param type quorum or classic
         * @param retry the retry policy of its handler
         * @param arguments further arguments of the group's queue
         * @return this builder
         */
        public Builder subscription(String topic, String group, QueueType type, RetryPolicy retry, Map<String, Object> arguments) {
            requireName(group, "group");
            addExchange(ExchangeSpec.topic(topic));
            String queue = subscriptionQueueName(topic, group);
            workQueue(queue, type, retry, arguments);
            bindings.add(new BindingSpec(topic, queue, ALL_EVENTS));
            return this;
        }

        /**
         * Adds everything another topology declares.
         *
         * @param other the topology to include
         * @return this builder
         */
        public Builder include(Topology other) {
            other.exchanges().forEach(this::addExchange);
            other.queues().forEach(this::addQueue);
            bindings.addAll(other.bindings());
            return this;
        }

        /**
         * Builds the topology.
         *
         * @return the immutable topology
         */
        public Topology build() {
            return new Topology(List.copyOf(exchanges.values()), List.copyOf(queues.values()),
                    bindings.stream().distinct().toList());
        }

        private void ensureDeadLetterExchange() {
            addExchange(new ExchangeSpec(DEAD_LETTER_EXCHANGE, "direct"));
        }

        private void addExchange(ExchangeSpec exchange) {
            ExchangeSpec existing = exchanges.putIfAbsent(exchange.name(), exchange);
            if (existing != null && !existing.equals(exchange)) {
                throw new WarrenException("exchange " + exchange.name() + " is declared twice, as " + existing.type()
                        + " and as " + exchange.type() + "; a topic name must not clash with another exchange");
            }
        }

        private void addQueue(QueueSpec queue) {
            QueueSpec existing = queues.putIfAbsent(queue.name(), queue);
            if (existing != null && !Objects.equals(existing, queue)) {
                throw new WarrenException("queue " + queue.name() + " is declared twice with different settings: "
                        + existing.arguments() + " and " + queue.arguments() + "; give both handlers the same queue type");
            }
        }
    }
}
