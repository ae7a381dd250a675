package dev.warren.spring.autoconfigure.internal;

import dev.warren.Warren;
import dev.warren.WarrenOperations;
import dev.warren.consumer.ConsumerState;
import dev.warren.consumer.ConsumerStats;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.FailureGroup;
import dev.warren.deadletter.OperationResult;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.publish.PublishOptions;
import dev.warren.publish.PublishReceipt;
import dev.warren.spring.autoconfigure.WarrenProperties.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.util.function.SingletonSupplier;

/**
 * One application on RabbitMQ and a JMS provider side by side: the publisher, the dead-letter
 * operations and the engine view that route each queue and topic to the engine of its transport
 * ({@code warren.queues.<name>.transport}, {@code warren.topics.<topic>.transport}, else
 * {@code warren.transport}).
 *
 * <p>Thread-safe. A name's transport is looked up in the configuration once and then remembered.
 */
public final class MixedTransports {

    private final Map<Transport, SingletonSupplier<WarrenOperations>> engines = new java.util.EnumMap<>(Transport.class);
    private final Map<Transport, SingletonSupplier<Warren>> publishers = new java.util.EnumMap<>(Transport.class);
    private final Function<String, Transport> queueTransport;
    private final Function<String, Transport> topicTransport;
    private final Map<String, Transport> queues = new ConcurrentHashMap<>();
    private final Map<String, Transport> topics = new ConcurrentHashMap<>();

    /**
     * Creates the routing; the engines are looked up on first use, so that handlers may inject the publisher.
     *
     * @param rabbit the RabbitMQ engine
     * @param rabbitPublisher the RabbitMQ engine's publisher
     * @param jms the JMS engine
     * @param jmsPublisher the JMS engine's publisher
     * @param converter where each name's transport is configured
     */
    public MixedTransports(Supplier<WarrenOperations> rabbit, Supplier<Warren> rabbitPublisher,
            Supplier<WarrenOperations> jms, Supplier<Warren> jmsPublisher, PropertiesConverter converter) {
        engines.put(Transport.RABBITMQ, SingletonSupplier.of(rabbit));
        engines.put(Transport.JMS, SingletonSupplier.of(jms));
        publishers.put(Transport.RABBITMQ, SingletonSupplier.of(rabbitPublisher));
        publishers.put(Transport.JMS, SingletonSupplier.of(jmsPublisher));
        this.queueTransport = converter::queueTransport;
        this.topicTransport = converter::topicTransport;
    }

    /** The publisher: sends go to the queue's transport, publishes to the topic's. */
    public Warren warren() {
        return new RoutingWarren();
    }

    /** The engines as one: running when both run, the consumers and breakers of both, routed dead letters. */
    public WarrenOperations operations() {
        return new CombinedOperations();
    }

    /** Dead-letter operations routed by each queue's transport; {@code queues()} lists both engines' queues. */
    public DeadLetters deadLetters() {
        return new RoutingDeadLetters();
    }

    private Warren publisherOfQueue(String queue) {
        return publishers.get(queues.computeIfAbsent(queue, queueTransport)).obtain();
    }

    private Warren publisherOfTopic(String topic) {
        return publishers.get(topics.computeIfAbsent(topic, topicTransport)).obtain();
    }

    private DeadLetters deadLettersOf(String queue) {
        return engines.get(queues.computeIfAbsent(queue, queueTransport)).obtain().deadLetters();
    }

    private final class RoutingWarren implements Warren {

        @Override
        public PublishReceipt send(String queue, Object payload, PublishOptions options) {
            return publisherOfQueue(queue).send(queue, payload, options);
        }

        @Override
        public CompletableFuture<PublishReceipt> sendAsync(String queue, Object payload, PublishOptions options) {
            return publisherOfQueue(queue).sendAsync(queue, payload, options);
        }

        @Override
        public PublishReceipt publish(String topic, Object event, PublishOptions options) {
            return publisherOfTopic(topic).publish(topic, event, options);
        }

        @Override
        public CompletableFuture<PublishReceipt> publishAsync(String topic, Object event, PublishOptions options) {
            return publisherOfTopic(topic).publishAsync(topic, event, options);
        }
    }

    private final class RoutingDeadLetters implements DeadLetters {

        @Override
        public List<DeadLetterQueue> queues() {
            List<DeadLetterQueue> all = new ArrayList<>();
            engines.values().forEach(engine -> all.addAll(engine.obtain().deadLetters().queues()));
            return all;
        }

        @Override
        public List<DeadLetter> peek(String queue, int limit) {
            return deadLettersOf(queue).peek(queue, limit);
        }

        @Override
        public List<DeadLetter> peek(String queue, int offset, int limit) {
            return deadLettersOf(queue).peek(queue, offset, limit);
        }

        @Override
        public List<FailureGroup> groups(String queue) {
            return deadLettersOf(queue).groups(queue);
        }

        @Override
        public OperationResult replay(String queue, Selection selection, ReplayOptions options) {
            return deadLettersOf(queue).replay(queue, selection, options);
        }

        @Override
        public OperationResult discard(String queue, Selection selection, String reason, String operator) {
            return deadLettersOf(queue).discard(queue, selection, reason, operator);
        }
    }

    private final class CombinedOperations implements WarrenOperations {

        private final DeadLetters deadLetters = new RoutingDeadLetters();

        @Override
        public boolean isRunning() {
            return engines.values().stream().allMatch(engine -> engine.obtain().isRunning());
        }

        @Override
        public Map<String, ConsumerStats> consumerStats() {
            Map<String, ConsumerStats> all = new LinkedHashMap<>();
            engines.values().forEach(engine -> all.putAll(engine.obtain().consumerStats()));
            return all;
        }

        @Override
        public Map<String, ConsumerState> consumerStates() {
            Map<String, ConsumerState> all = new LinkedHashMap<>();
            engines.values().forEach(engine -> all.putAll(engine.obtain().consumerStates()));
            return all;
        }

        @Override
        public Map<String, String> circuitBreakerStates() {
            Map<String, String> all = new LinkedHashMap<>();
            engines.values().forEach(engine -> all.putAll(engine.obtain().circuitBreakerStates()));
            return all;
        }

        @Override
        public DeadLetters deadLetters() {
            return deadLetters;
        }
    }
}
