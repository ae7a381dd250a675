package dev.warren.jms;

import dev.warren.Warren;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.ConsumerState;
import dev.warren.consumer.ConsumerStats;
import dev.warren.consumer.HandlerEngineBuilder;
import dev.warren.deadletter.DeadLetters;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerScanner;
import dev.warren.internal.pipeline.ConsumerStates;
import dev.warren.internal.pipeline.EngineOptions;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.internal.pipeline.BreakerGate;
import dev.warren.jms.internal.DelayQueueMover;
import dev.warren.jms.internal.JmsConsumer;
import dev.warren.jms.internal.JmsDeadLetters;
import dev.warren.jms.internal.JmsPublisher;
import dev.warren.topology.QueueSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;

/**
 * Warren on a JMS (Jakarta Messaging) provider: the same {@code @Consumer} and {@code @Subscribe}
 * handlers, pipeline, retries, dead letters, circuit breakers, rate limits and idempotency as
 * {@link dev.warren.WarrenEngine} on RabbitMQ.
 *
 * <ul>
 *   <li>{@code @Consumer(queue = "q")} reads the JMS queue {@code q}.
 *   <li>{@code @Subscribe(topic = "t", group = "g")} reads the shared durable subscription
 *       {@code t.g} on topic {@code t}: every group gets a copy, the instances of a group compete.
 *       Its retried and replayed copies come back through the group's queue {@code t.g.inbox};
 *       its dead letters go to {@code t.g.dlq}.
 *   <li>Sessions are transacted: a message is acknowledged when its handler returns, in the same
 *       transaction as any retry or dead-letter copy.
 *   <li>Retries wait by {@link RetryDelivery}; dead letters go to {@code <queue>.dlq} with the
 *       reason in properties ({@code WarrenExceptionMessage}, {@code WarrenFailureClass}, ...).
 * </ul>
 *
 * <p>Queues are created by the provider when first used (ActiveMQ Artemis and the RabbitMQ JMS
 * client both do by default).
 *
 * @since 0.1
 */
public final class JmsWarrenEngine implements dev.warren.WarrenOperations, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JmsWarrenEngine.class);

    private final ConnectionFactory connectionFactory;
    private final DestinationResolver destinations;
    private final EngineOptions options;
    private final RetryDelivery retryDelivery;
    private final List<HandlerEndpoint> endpoints = new ArrayList<>();
    private final List<JmsConsumer> consumers = new ArrayList<>();
    private final List<DelayQueueMover> movers = new ArrayList<>();
    private final JmsPublisher publisher;
    private final JmsDeadLetters deadLetters;
    private final BreakerGate breakers;
    private volatile boolean running;

    private JmsWarrenEngine(Builder builder, EngineOptions options) {
        this.connectionFactory = builder.connectionFactory;
        this.destinations = builder.destinations;
        this.options = options;
        this.retryDelivery = builder.retryDelivery;
        HandlerScanner scanner = options.scanner();
        options.handlers().forEach((bean, type) -> endpoints.addAll(scanner.scan(bean, type)));
        this.publisher = new JmsPublisher(connectionFactory, destinations, options.jsonMapper(), options.deliveryListener());
        this.deadLetters = new JmsDeadLetters(connectionFactory, destinations,
                () -> endpoints.stream().map(HandlerEndpoint::queue).toList());
        this.breakers = new BreakerGate(this::isRunning, options.breakerListener());
    }

    /**
     * Starts building an engine on a JMS connection factory.
     *
     * @param connectionFactory the provider's connection factory
     * @return a builder
     */
    public static Builder builder(ConnectionFactory connectionFactory) {
        return new Builder(connectionFactory);
    }

    /** Starts a consumer per handler, and the delay-queue movers when retries use them. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumers.clear();
        movers.clear();
        breakers.clearConsumers();
        JmsConsumer.Retries retries = retryDelivery == RetryDelivery.DELIVERY_DELAY
                ? JmsConsumer.Retries.deliveryDelay(destinations) : JmsConsumer.Retries.delayQueues(destinations);
        Set<String> delayQueues = new LinkedHashSet<>();
        for (HandlerEndpoint endpoint : endpoints) {
            ConsumerSettings settings = endpoint.settings();
            CircuitBreaker breaker = settings.circuitBreaker() == null ? null
                    : breakers.breaker(settings.circuitBreaker(), options.breakerSettingsFor(settings.circuitBreaker(), name -> null));
            HandlerPipeline pipeline = options.pipeline(endpoint, breaker, "jms");
            JmsConsumer consumer = new JmsConsumer(connectionFactory, destinations, pipeline, retries);
            consumers.add(consumer);
            if (breaker != null) {
                breakers.guard(settings.circuitBreaker(), consumer);
            }
            if (retryDelivery == RetryDelivery.DELAY_QUEUES) {
                for (Duration delay : settings.retry().delays()) {
                    delayQueues.add(QueueSpec.delayQueueName(JmsConsumer.inbox(endpoint), delay));
                }
            }
        }
        delayQueues.forEach(queue -> movers.add(new DelayQueueMover(connectionFactory, destinations, queue)));
        running = true;
        movers.forEach(DelayQueueMover::start);
        consumers.forEach(JmsConsumer::start);
        log.info("Warren started {} JMS consumer(s) on {}", consumers.size(), consumers.stream().map(JmsConsumer::queue).toList());
    }

    /** Stops the consumers, letting messages in progress finish; what they hold goes back to the provider. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        consumers.forEach(JmsConsumer::close);
        movers.forEach(DelayQueueMover::close);
        log.info("Warren stopped its JMS consumers");
    }

    /** Stops the consumers and closes the publisher. */
    @Override
    public void close() {
        stop();
        breakers.close();
        publisher.close();
    }

    /**
     * Whether the consumers are running.
     *
     * @return {@code true} between {@link #start()} and {@link #stop()}
     */
    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * The publisher.
     *
     * @return the thread-safe publisher, usable before {@link #start()} too
     */
    public Warren warren() {
        return publisher;
    }

    /**
     * Dead-letter operations on this engine's handlers' queues.
     *
     * @return the operations
     */
    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * What each handler's consumer has done since start.
     *
     * @return consumer name to its statistics
     */
    @Override
    public Map<String, ConsumerStats> consumerStats() {
        Map<String, ConsumerStats> stats = new LinkedHashMap<>();
        for (JmsConsumer consumer : consumers) {
            stats.put(consumer.pipeline().endpoint().consumerName(), consumer.pipeline().stats().snapshot());
        }
        return stats;
    }

    /**
     * Whether each handler's consumer takes messages right now: paused while its circuit breaker is
     * not closed, not consuming while its listener containers are not running or the engine is
     * stopped. A container that keeps reconnecting to an unreachable provider still counts as running.
     *
     * @return consumer name to its state; empty before start
     */
    @Override
    public Map<String, ConsumerState> consumerStates() {
        Map<String, String> breakerStates = breakers.states();
        Map<String, ConsumerState> states = new LinkedHashMap<>();
        for (JmsConsumer consumer : consumers) {
            HandlerEndpoint endpoint = consumer.pipeline().endpoint();
            states.put(endpoint.consumerName(), ConsumerStates.of(running, breakerStates, endpoint, consumer.isRunning()));
        }
        return states;
    }

    /**
     * The state of each circuit breaker.
     *
     * @return breaker name to CLOSED, OPEN or HALF_OPEN
     */
    @Override
    public Map<String, String> circuitBreakerStates() {
        return breakers.states();
    }

    /**
     * The queues this engine's handlers consume from.
     *
     * @return the queue names
     */
    public List<String> queues() {
        return endpoints.stream().map(HandlerEndpoint::queue).toList();
    }

    /** Builds a {@link JmsWarrenEngine}. Not thread-safe. */
    public static final class Builder extends HandlerEngineBuilder<Builder> {

        private final ConnectionFactory connectionFactory;
        private DestinationResolver destinations = new DynamicDestinationResolver();
        private RetryDelivery retryDelivery = RetryDelivery.DELAY_QUEUES;

        private Builder(ConnectionFactory connectionFactory) {
            this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
        }

        /**
         * Sets how queue and topic names become JMS destinations; by default the provider's
         * {@code createQueue} / {@code createTopic}.
         *
         * @param destinations the resolver
         * @return this builder
         */
        public Builder destinationResolver(DestinationResolver destinations) {
            this.destinations = Objects.requireNonNull(destinations, "destinations");
            return this;
        }

        /**
         * Sets how retry copies wait; {@link RetryDelivery#DELAY_QUEUES} by default, which works on
         * every provider.
         *
         * @param retryDelivery the strategy
         * @return this builder
         */
        public Builder retryDelivery(RetryDelivery retryDelivery) {
            this.retryDelivery = Objects.requireNonNull(retryDelivery, "retryDelivery");
            return this;
        }

        /**
         * Builds the engine; nothing connects until {@link JmsWarrenEngine#start()} or the first send.
         *
         * @return the engine
         * @throws dev.warren.WarrenException when a handler's signature or settings are invalid
         */
        public JmsWarrenEngine build() {
            return new JmsWarrenEngine(this, options());
        }
    }
}
