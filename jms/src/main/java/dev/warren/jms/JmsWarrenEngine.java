package dev.warren.jms;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.ConsumerStats;
import dev.warren.consumer.DeliveryListener;
import dev.warren.deadletter.DeadLetters;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.internal.TimeScale;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerScanner;
import dev.warren.internal.pipeline.BeanValidation;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.internal.pipeline.PayloadValidator;
import dev.warren.internal.rabbit.BreakerGate;
import dev.warren.jms.internal.DelayQueueMover;
import dev.warren.jms.internal.JmsConsumer;
import dev.warren.jms.internal.JmsDeadLetters;
import dev.warren.jms.internal.JmsPublisher;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.protection.CircuitBreakerTransition;
import dev.warren.topology.QueueSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.observation.ObservationRegistry;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

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
    private final JsonMapper jsonMapper;
    private final IdempotencyStore idempotencyStore;
    private final java.util.function.Function<String, @Nullable IdempotencyStore> storeResolver;
    private final @Nullable Object validator;
    private final Map<String, CircuitBreakerSettings> breakerSettings;
    private final CircuitBreakerSettings breakerDefaults;
    private final RetryDelivery retryDelivery;
    private final ObservationRegistry observations;
    private final DeliveryListener deliveryListener;
    private final TimeScale timeScale;
    private final List<HandlerEndpoint> endpoints = new ArrayList<>();
    private final List<JmsConsumer> consumers = new ArrayList<>();
    private final List<DelayQueueMover> movers = new ArrayList<>();
    private final JmsPublisher publisher;
    private final JmsDeadLetters deadLetters;
    private final BreakerGate breakers;
    private volatile boolean running;

    private JmsWarrenEngine(Builder builder) {
        this.connectionFactory = builder.connectionFactory;
        this.destinations = builder.destinations;
        this.jsonMapper = builder.jsonMapper;
        this.idempotencyStore = builder.idempotencyStore != null ? builder.idempotencyStore
                : new InMemoryIdempotencyStore(100_000, java.time.Clock.systemUTC());
        this.storeResolver = builder.storeResolver;
        this.validator = builder.validator;
        this.breakerSettings = Map.copyOf(builder.breakerSettings);
        this.breakerDefaults = builder.breakerDefaults;
        this.retryDelivery = builder.retryDelivery;
        this.observations = builder.observations;
        this.deliveryListener = builder.deliveryListener;
        this.timeScale = builder.timeScale;
        HandlerScanner scanner = new HandlerScanner(builder.consumerDefaults, timeScale.scale(builder.consumerCustomizer),
                builder.nameResolver, builder.consumerFilter);
        builder.handlers.forEach((bean, type) -> endpoints.addAll(scanner.scan(bean, type)));
        this.publisher = new JmsPublisher(connectionFactory, destinations, jsonMapper, deliveryListener);
        this.deadLetters = new JmsDeadLetters(connectionFactory, destinations,
                () -> endpoints.stream().map(HandlerEndpoint::queue).toList());
        this.breakers = new BreakerGate(this::isRunning, builder.breakerListener);
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
                    : breakers.breaker(settings.circuitBreaker(),
                            timeScale.scale(breakerSettings.getOrDefault(settings.circuitBreaker(), breakerDefaults)));
            RateLimiter rateLimiter = HandlerPipeline.rateLimiter(endpoint);
            PayloadValidator payloadValidator = endpoint.method().validatesPayload()
                    ? BeanValidation.of(validator, endpoint.method().describe()) : PayloadValidator.NONE;
            HandlerPipeline pipeline = new HandlerPipeline(endpoint, jsonMapper, payloadValidator, storeFor(endpoint),
                    java.util.concurrent.ThreadLocalRandom.current(), breaker, rateLimiter, observations, deliveryListener);
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

    private IdempotencyStore storeFor(HandlerEndpoint endpoint) {
        String name = endpoint.settings().idempotency().store();
        if (name == null || !endpoint.settings().idempotency().enabled()) {
            return idempotencyStore;
        }
        IdempotencyStore store = storeResolver.apply(name);
        if (store == null) {
            throw new WarrenException("Handler " + endpoint.method().describe() + " asks for the idempotency store '" + name
                    + "', which this application does not have; configure it, or name another (memory, redis, jdbc)");
        }
        return store;
    }

    /** Builds a {@link JmsWarrenEngine}. Not thread-safe. */
    public static final class Builder {

        private final ConnectionFactory connectionFactory;
        private final Map<Object, Class<?>> handlers = new LinkedHashMap<>();
        private DestinationResolver destinations = new DynamicDestinationResolver();
        private JsonMapper jsonMapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        private ConsumerSettings consumerDefaults = ConsumerSettings.DEFAULTS;
        private ConsumerCustomizer consumerCustomizer = ConsumerCustomizer.NONE;
        private UnaryOperator<String> nameResolver = UnaryOperator.identity();
        private @Nullable IdempotencyStore idempotencyStore;
        private java.util.function.Function<String, @Nullable IdempotencyStore> storeResolver = name -> null;
        private @Nullable Object validator;
        private final Map<String, CircuitBreakerSettings> breakerSettings = new LinkedHashMap<>();
        private CircuitBreakerSettings breakerDefaults = CircuitBreakerSettings.DEFAULTS;
        private java.util.function.Consumer<CircuitBreakerTransition> breakerListener = transition -> {
        };
        private RetryDelivery retryDelivery = RetryDelivery.DELAY_QUEUES;
        private ObservationRegistry observations = ObservationRegistry.NOOP;
        private DeliveryListener deliveryListener = DeliveryListener.NONE;
        private TimeScale timeScale = TimeScale.NONE;
        private java.util.function.Predicate<String> consumerFilter = name -> true;

        private Builder(ConnectionFactory connectionFactory) {
            this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
        }

        /**
         * Adds objects whose {@code @Consumer} and {@code @Subscribe} methods become handlers.
         *
         * @param beans the handler objects
         * @return this builder
         */
        public Builder handlers(Object... beans) {
            for (Object bean : beans) {
                handler(bean, bean.getClass());
            }
            return this;
        }

        /**
         * Adds a handler object whose annotations are read from another class, such as the user
         * class behind a proxy.
         *
         * @param bean the object whose methods are invoked
         * @param annotatedType the class that declares the annotated methods
         * @return this builder
         */
        public Builder handler(Object bean, Class<?> annotatedType) {
            handlers.put(Objects.requireNonNull(bean, "bean"), Objects.requireNonNull(annotatedType, "annotatedType"));
            return this;
        }

        /**
         * Runs only the handlers whose consumer name (a {@code @Consumer}'s queue, or
         * {@code <topic>.<group>} of a {@code @Subscribe}) the filter accepts, leaving the others
         * to another engine, such as one on the other transport. The others are still checked.
         *
         * <pre>{@code
         * Set<String> onJms = Set.of("legacy.invoices");
         * builder.consumerFilter(onJms::contains);
         * }</pre>
         *
         * @param consumerFilter accepts the consumer names to run; by default all
         * @return this builder
         */
        public Builder consumerFilter(java.util.function.Predicate<String> consumerFilter) {
            this.consumerFilter = Objects.requireNonNull(consumerFilter, "consumerFilter");
            return this;
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
         * Sets the JSON mapper for payloads.
         *
         * @param jsonMapper the mapper
         * @return this builder
         */
        public Builder jsonMapper(JsonMapper jsonMapper) {
            this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
            return this;
        }

        /**
         * Sets the settings of handlers whose annotation leaves them out.
         *
         * @param defaults the defaults
         * @return this builder
         */
        public Builder consumerDefaults(ConsumerSettings defaults) {
            this.consumerDefaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * Adjusts each handler's settings after its annotation, as configuration does.
         *
         * @param customizer the customizer
         * @return this builder
         */
        public Builder consumerCustomizer(ConsumerCustomizer customizer) {
            this.consumerCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Resolves placeholders in the queue and topic names of annotations.
         *
         * @param nameResolver the resolver
         * @return this builder
         */
        public Builder nameResolver(UnaryOperator<String> nameResolver) {
            this.nameResolver = Objects.requireNonNull(nameResolver, "nameResolver");
            return this;
        }

        /**
         * Sets the store of idempotent handlers; in memory by default.
         *
         * @param store the store
         * @return this builder
         */
        public Builder idempotencyStore(IdempotencyStore store) {
            this.idempotencyStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Looks up the stores that handlers name.
         *
         * @param resolver store name to store, or {@code null} when unknown
         * @return this builder
         */
        public Builder idempotencyStores(java.util.function.Function<String, @Nullable IdempotencyStore> resolver) {
            this.storeResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Sets the Jakarta Bean Validation {@code Validator} for {@code @Valid} payloads.
         *
         * @param validator a {@code jakarta.validation.Validator}
         * @return this builder
         */
        public Builder validator(Object validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Configures a circuit breaker by name.
         *
         * @param name the name handlers use
         * @param settings its settings
         * @return this builder
         */
        public Builder circuitBreaker(String name, CircuitBreakerSettings settings) {
            breakerSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /**
         * Sets the settings of breakers not configured by name.
         *
         * @param settings the defaults
         * @return this builder
         */
        public Builder circuitBreakerDefaults(CircuitBreakerSettings settings) {
            this.breakerDefaults = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Listens to circuit breaker transitions.
         *
         * @param listener called once per transition
         * @return this builder
         */
        public Builder circuitBreakerListener(java.util.function.Consumer<CircuitBreakerTransition> listener) {
            this.breakerListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Hears what happens to each message: processed, failed, retried, dead-lettered, skipped
         * as a duplicate, published.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder deliveryListener(DeliveryListener listener) {
            this.deliveryListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Scales every wait Warren schedules by a factor, for tests: each handler's retry backoffs
         * (the delay queues or delivery delays follow) and each circuit breaker's wait in the open
         * state; a scaled wait is never below 1 ms. See {@code WarrenEngine.Builder#timeScale}.
         *
         * @param factor above 0 and at most 1; 1, the default, keeps real time
         * @return this builder
         * @throws dev.warren.WarrenException when the factor is not above 0 and at most 1
         */
        public Builder timeScale(double factor) {
            this.timeScale = TimeScale.of(factor);
            return this;
        }

        /**
         * Sets the registry for the {@code warren.process} observation of each message.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Builds the engine; nothing connects until {@link JmsWarrenEngine#start()} or the first send.
         *
         * @return the engine
         * @throws WarrenException when a handler's signature or settings are invalid
         */
        public JmsWarrenEngine build() {
            return new JmsWarrenEngine(this);
        }
    }
}
