package dev.warren;

import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.ConsumerState;
import dev.warren.internal.asyncapi.AsyncApiDocument;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerScanner;
import dev.warren.consumer.ConsumerStats;
import dev.warren.consumer.HandlerEngineBuilder;
import dev.warren.internal.pipeline.ConsumerStates;
import dev.warren.internal.pipeline.EngineOptions;
import dev.warren.internal.pipeline.HandlerPipeline;
import dev.warren.deadletter.DeadLetters;
import dev.warren.internal.pipeline.BreakerGate;
import dev.warren.internal.rabbit.DelayedDelivery;
import dev.warren.internal.rabbit.DueForwarder;
import dev.warren.internal.rabbit.QueueMonitor;
import dev.warren.internal.rabbit.RabbitDeadLetters;
import dev.warren.monitor.Alert;
import dev.warren.monitor.AlertSettings;
import dev.warren.monitor.QueueHealth;
import dev.warren.internal.rabbit.JsonPublisher;
import dev.warren.internal.rabbit.PolicyCheck;
import dev.warren.internal.rabbit.PublisherChannels;
import dev.warren.internal.rabbit.RabbitConsumer;
import dev.warren.internal.rabbit.TopologyDeclarer;
import dev.warren.annotation.Delivery;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.publish.PublisherSettings;
import dev.warren.retry.RetryPolicy;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.ManagementApi;
import dev.warren.topology.Topology;
import dev.warren.topology.TopologyConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Warren engine: declares the topology of its handlers, runs their consumers and publishes.
 * Spring Boot applications get one from the starter; plain Java creates it directly:
 *
 * <pre>{@code
 * CachingConnectionFactory connectionFactory = new CachingConnectionFactory("localhost");
 * try (WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new VideoWorker()).build()) {
 *     engine.start();
 *     engine.warren().send("video.process", new VideoJob("v-1"));
 *     ...
 * }
 * }</pre>
 *
 * <p>The engine does not own the connection factory: close it after the engine. Topology is
 * declared again whenever the factory opens a new connection, so queues deleted while the broker
 * was away come back. {@link #start()} and {@link #stop()} are meant for one lifecycle thread; the
 * publisher is thread-safe.
 *
 * @since 0.1
 */
public final class WarrenEngine implements WarrenOperations, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WarrenEngine.class);

    private final ConnectionFactory connectionFactory;
    private final EngineOptions options;
    private final HandlerScanner scanner;
    private final JsonMapper jsonMapper;
    private final PublisherSettings publisherSettings;
    private final TopologyDeclarer declarer;
    private final PublisherChannels publisherChannels;
    private final JsonPublisher publisher;
    private final DueForwarder dueForwarder;
    private final List<HandlerEndpoint> endpoints = new ArrayList<>();
    private final List<RabbitConsumer> consumers = new ArrayList<>();
    private final BreakerGate breakers;
    private final java.util.function.Function<String, @org.jspecify.annotations.Nullable CircuitBreakerSettings> breakerResolver;
    private final List<Topology> extraTopology;
    private final java.util.function.Function<String, Map<String, Object>> queueArguments;
    private final QueueMonitor queueMonitor;
    private final @org.jspecify.annotations.Nullable ManagementApi managementApi;
    private final ConnectionListener redeclareOnConnect;
    private final dev.warren.topology.TopologyMode topologyMode;
    private final java.time.Duration shutdownTimeout;
    private volatile Topology topology;
    private volatile boolean running;

    private WarrenEngine(Builder builder, EngineOptions options) {
        this.connectionFactory = builder.connectionFactory;
        this.options = options;
        this.scanner = options.scanner();
        this.jsonMapper = options.jsonMapper();
        this.publisherSettings = builder.publisherSettings;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.managementApi = builder.managementApi;
        this.breakers = new BreakerGate(this::isRunning, options.breakerListener());
        this.breakerResolver = builder.breakerResolver;
        this.extraTopology = List.copyOf(builder.extraTopology);
        this.queueArguments = builder.queueArguments;
        this.topology = topologyOf(List.of(), builder.extraTopology, queueArguments);
        // Handlers first: a bad one fails the build before the publisher starts its thread.
        for (Map.Entry<Object, Class<?>> handler : options.handlers().entrySet()) {
            register(handler.getKey(), handler.getValue());
        }
        this.topologyMode = builder.topologyMode;
        this.declarer = new TopologyDeclarer(connectionFactory, topologyMode, this::fullTopology);
        this.publisherChannels = new PublisherChannels(connectionFactory, publisherSettings);
        this.publisher = new JsonPublisher(publisherChannels, declarer, jsonMapper, publisherSettings.confirmTimeout(),
                options.observations(), options.deliveryListener());
        this.dueForwarder = new DueForwarder(connectionFactory, publisherChannels, declarer, publisherSettings.confirmTimeout());
        this.queueMonitor = new QueueMonitor(connectionFactory, () -> topology, builder.alertSettings, builder.managementApi,
                jsonMapper, builder.alertListener, this::lag, java.time.Clock.systemUTC());
        this.redeclareOnConnect = new ConnectionListener() {
            @Override
            public void onCreate(Connection connection) {
                if (running) {
                    redeclare(connection);
                }
            }
        };
    }

    /**
     * Starts building an engine on a spring-rabbit connection factory.
     *
     * @param connectionFactory the factory, typically a {@code CachingConnectionFactory}
     * @return a new builder
     */
    public static Builder builder(ConnectionFactory connectionFactory) {
        return new Builder(connectionFactory);
    }

    /**
     * Adds an object whose {@code @Consumer} and {@code @Subscribe} methods become handlers. Its
     * methods are checked at once; its consumers start with {@link #start()}.
     *
     * @param bean the object whose methods are invoked
     * @param annotatedType the class that declares the annotated methods (the user class behind a proxy)
     * @return the consumer names of the handlers found, empty when the class has none
     * @throws WarrenException when a handler's signature or settings are invalid, a queue would get
     *     two handlers, or the engine is already running
     */
    public synchronized List<String> register(Object bean, Class<?> annotatedType) {
        if (running) {
            throw new WarrenException("Cannot add handlers of " + annotatedType.getName() + " to a running engine; register them before start()");
        }
        List<HandlerEndpoint> found = scanner.scan(bean, annotatedType);
        List<HandlerEndpoint> all = new ArrayList<>(endpoints);
        all.addAll(found);
        requireOneHandlerPerQueue(all);
        Topology merged = topologyOf(all, extraTopology, queueArguments);
        endpoints.addAll(found);
        topology = merged;
        return found.stream().map(HandlerEndpoint::consumerName).toList();
    }

    /**
     * Declares the topology and starts every consumer. Does nothing when already running. Also
     * declares the delay levels of {@link dev.warren.publish.Delay} and starts delivering the
     * delayed messages that fall due on this virtual host, whichever application scheduled them.
     *
     * @throws TopologyConflictException when the broker has a queue or exchange with other arguments
     * @throws WarrenException when the broker cannot be reached
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        Topology current = topology;
        // Registered before the first declaration: the listener runs at once for an open connection,
        // and only redeclares once the engine runs, after reconnects.
        connectionFactory.addConnectionListener(redeclareOnConnect);
        try {
            logPermissions();
            List<String> refused = List.of();
            if (topologyMode == dev.warren.topology.TopologyMode.PASSIVE) {
                checkTopology();
            } else {
                try {
                    declarer.declare(withDelayLevels(current));
                    publisher.delayLevelsDeclared();
                } catch (dev.warren.topology.MissingPermissionException e) {
                    // Reported together with what the access check finds, so that one start-up lists every missing permission.
                    refused = e.refused();
                }
            }
            declarer.verifyAccess(current, refused);
            checkPolicies(current);
        } catch (RuntimeException e) {
            connectionFactory.removeConnectionListener(redeclareOnConnect);
            throw e;
        }
        publisher.knownTopics(current.exchanges().stream().map(ExchangeSpec::name).collect(Collectors.toSet()));
        consumers.clear();
        breakers.clearConsumers();
        for (HandlerEndpoint endpoint : endpoints) {
            ConsumerSettings settings = endpoint.settings();
            CircuitBreaker breaker = settings.circuitBreaker() == null ? null
                    : breakers.breaker(settings.circuitBreaker(),
                            options.breakerSettingsFor(settings.circuitBreaker(), breakerResolver));
            HandlerPipeline pipeline = options.pipeline(endpoint, breaker, "rabbitmq");
            RabbitConsumer consumer = new RabbitConsumer(connectionFactory, pipeline, publisherChannels,
                    publisherSettings.confirmTimeout(), shutdownTimeout);
            consumers.add(consumer);
            if (breaker != null) {
                breakers.guard(settings.circuitBreaker(), consumer);
            }
        }
        running = true;
        inParallel(RabbitConsumer::start, "warren-start");
        dueForwarder.start();
        queueMonitor.start();
        log.info("Warren started {} consumer(s) on {}", consumers.size(),
                consumers.stream().map(RabbitConsumer::queue).toList());
    }

    /**
     * Declares the topology without starting consumers, for an application that only produces
     * to queues that its handlers' consumers elsewhere will drain. {@link #start()} does this too.
     * Delayed messages such an application schedules are delivered, once due, by any started
     * engine on the virtual host.
     *
     * @throws TopologyConflictException when the broker has a queue or exchange with other arguments
     */
    public void declareTopology() {
        Topology current = topology;
        declarer.declare(withDelayLevels(current));
        publisher.delayLevelsDeclared();
        publisher.knownTopics(current.exchanges().stream().map(ExchangeSpec::name).collect(Collectors.toSet()));
    }

    /**
     * Everything Warren needs on the broker: {@link #topology()}, and what it shares with other
     * applications in the virtual host: the delay levels of delayed delivery with the queue of due
     * messages that every engine forwards from, and the queue
     * {@value dev.warren.deadletter.DeadLetters#DISCARDED_QUEUE}, declared when first used. This is what
     * {@link #permissions()} covers, what passive topology mode checks and what to export for whoever
     * owns the broker's topology:
     *
     * <pre>{@code
     * Map<String, Object> definitions = engine.fullTopology().toDefinitions("orders");
     * }</pre>
     *
     * @return the full topology of the handlers registered so far
     */
    public Topology fullTopology() {
        Topology current = topology;
        Topology.Builder full = Topology.builder().include(current).include(dev.warren.internal.rabbit.DelayedDelivery.topology());
        full.include(new Topology(List.of(), List.of(RabbitDeadLetters.discardedQueue()), List.of()));
        return full.build();
    }

    /**
     * The permissions Warren's broker user needs in its virtual host, in this engine's topology
     * mode: configure, write and read expressions that match exactly the names of
     * {@link #fullTopology()}. Logged at start-up.
     *
     * @return the three expressions
     */
    public dev.warren.topology.Permissions permissions() {
        return dev.warren.topology.Permissions.of(fullTopology(), topologyMode);
    }

    /**
     * Whether this engine declares its topology or only checks it.
     *
     * @return the mode from {@link Builder#topologyMode}
     */
    public dev.warren.topology.TopologyMode topologyMode() {
        return topologyMode;
    }

    /**
     * Checks, through the management API, that the broker has everything in {@link #fullTopology()}
     * with compatible types and arguments. Passive topology mode does this at start-up.
     *
     * @throws dev.warren.topology.TopologyMismatchException listing every difference
     * @throws WarrenException when no management API is configured or it cannot be read
     */
    public void checkTopology() {
        if (managementApi == null) {
            throw new WarrenException("Passive topology mode compares the broker's queues with what Warren needs through "
                    + "the management API, and none is configured; set warren.management.url (with the rabbitmq_management "
                    + "plugin on) or WarrenEngine.Builder.managementApi(...)");
        }
        long started = System.nanoTime();
        Topology full = fullTopology();
        new dev.warren.internal.rabbit.TopologyCheck(managementApi, jsonMapper).require(full);
        log.info("Checked Warren's topology in virtual host '{}': {} exchanges, {} queues and {} bindings in place, in {} ms",
                managementApi.virtualHost(), full.exchanges().size(), full.queues().size(), full.bindings().size(),
                java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void logPermissions() {
        dev.warren.topology.Permissions permissions = permissions();
        log.info("Warren needs these RabbitMQ permissions in virtual host '{}' (topology mode {}):\n"
                + "  configure: {}\n  write:     {}\n  read:      {}\n  grant with: {}", connectionFactory.getVirtualHost(),
                topologyMode.name().toLowerCase(java.util.Locale.ROOT), permissions.configure(), permissions.write(),
                permissions.read(), permissions.rabbitmqctlCommand(connectionFactory.getUsername(), connectionFactory.getVirtualHost()));
    }

    /**
     * Stops the consumers: cancels them with the broker and lets the handlers finish the messages
     * they hold, running and prefetched, up to the {@linkplain Builder#shutdownTimeout shutdown
     * timeout}, after which the channels close and what is left is delivered again. Handing the
     * prefetched messages back instead would count against a quorum queue's delivery limit. The
     * publisher keeps working.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        connectionFactory.removeConnectionListener(redeclareOnConnect);
        dueForwarder.stop();
        stopInParallel();
        log.info("Warren stopped its consumers");
    }

    /** Each container waits up to its receive timeout to stop; stopping them side by side keeps shutdown short. */
    private void stopInParallel() {
        inParallel(RabbitConsumer::stop, "warren-stop");
    }

    /**
     * Runs an action on every consumer, side by side: starting or stopping a container waits on the
     * broker, and with hundreds of handlers those waits add up to seconds one after another.
     */
    private void inParallel(java.util.function.Consumer<RabbitConsumer> action, String threadName) {
        if (consumers.size() <= 1) {
            consumers.forEach(action);
            return;
        }
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(consumers.size(), 8), dev.warren.internal.Threads.named(threadName));
        try {
            java.util.concurrent.CompletableFuture.allOf(consumers.stream()
                    .map(consumer -> java.util.concurrent.CompletableFuture.runAsync(() -> action.accept(consumer), workers))
                    .toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        } finally {
            dev.warren.internal.Threads.shutdown(workers, java.time.Duration.ofSeconds(5));
        }
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
     * What this engine declares on the broker.
     *
     * @return the topology of the handlers registered so far
     */
    public Topology topology() {
        return topology;
    }

    /**
     * The AsyncAPI 3.0 document of this engine's handlers, as indented JSON: a channel for each work
     * queue, topic, subscriber group's queue and dead-letter queue, with their RabbitMQ AMQP
     * bindings; a {@code receive} operation for each handler; and each message's payload as JSON
     * Schema, derived from the handler's parameter type, with the headers Warren sets
     * ({@code x-warren-attempts} on retried copies, the failure headers on dead letters). Warren
     * does not know what the application publishes, so the document has no {@code send}
     * operations, and its description says so. Reads no broker; works before {@link #start()}.
     *
     * <pre>{@code
     * Files.writeString(Path.of("asyncapi.json"), engine.asyncApi());
     * }</pre>
     *
     * @return the document, valid against the AsyncAPI 3.0.0 JSON Schema
     * @since 0.1
     */
    public synchronized String asyncApi() {
        return new AsyncApiDocument(endpoints, topology, connectionFactory.getVirtualHost()).toJson(jsonMapper);
    }

    /** Stops the consumers and closes the publisher's channels. */
    @Override
    public synchronized void close() {
        stop();
        queueMonitor.close();
        breakers.close();
        publisherChannels.close();
    }

    /**
     * Checks the broker's policies against the topology when a management API is configured:
     * a policy that breaks a guarantee fails start-up, a risky one is logged.
     */
    private void checkPolicies(Topology current) {
        if (managementApi == null) {
            return;
        }
        Map<String, Integer> budgets = new HashMap<>();
        for (HandlerEndpoint endpoint : endpoints) {
            budgets.put(endpoint.queue(), endpoint.settings().retry().maxAttempts());
        }
        PolicyCheck.Findings findings;
        try {
            findings = new PolicyCheck(managementApi, jsonMapper).check(current, budgets);
        } catch (WarrenException e) {
            log.warn("Skipped the check of broker policies: {}", e.getMessage());
            return;
        }
        findings.warnings().forEach(warning -> log.warn("Broker policy: {}", warning));
        if (!findings.problems().isEmpty()) {
            throw new WarrenException("RabbitMQ policies break what Warren's queues need: " + String.join("; ", findings.problems()));
        }
    }

    private void redeclare(Connection connection) {
        try {
            declarer.declare(withDelayLevels(topology), connection);
        } catch (RuntimeException e) {
            log.error("Could not declare Warren's topology again on a new connection; consumers of missing queues "
                    + "wait until they exist", e);
        }
    }

    /**
     * The topology with the delay levels, which every engine declares and drains (they are shared by
     * the virtual host and idempotent to declare), so that neither the first delayed send waits for
     * them nor a message falls due with no engine to deliver it. They stay out of {@link #topology()},
     * which lists this application's own queues.
     */
    private static Topology withDelayLevels(Topology current) {
        Topology delays = DelayedDelivery.topology();
        List<dev.warren.topology.ExchangeSpec> exchanges = new ArrayList<>(current.exchanges());
        exchanges.addAll(delays.exchanges());
        List<dev.warren.topology.QueueSpec> queues = new ArrayList<>(current.queues());
        queues.addAll(delays.queues());
        List<dev.warren.topology.BindingSpec> bindings = new ArrayList<>(current.bindings());
        bindings.addAll(delays.bindings());
        return new Topology(exchanges, queues, bindings);
    }

    private static void requireOneHandlerPerQueue(List<HandlerEndpoint> endpoints) {
        Map<String, HandlerEndpoint> byQueue = new HashMap<>();
        for (HandlerEndpoint endpoint : endpoints) {
            HandlerEndpoint other = byQueue.putIfAbsent(endpoint.queue(), endpoint);
            if (other != null) {
                throw new WarrenException("Queue '" + endpoint.queue() + "' has two handlers, " + other.method().describe()
                        + " and " + endpoint.method().describe() + "; they would split its messages between them. "
                        + "Give one of them its own queue or group");
            }
        }
    }

    private static Topology topologyOf(List<HandlerEndpoint> endpoints, List<Topology> extra,
            java.util.function.Function<String, Map<String, Object>> queueArguments) {
        Topology.Builder builder = Topology.builder();
        extra.forEach(builder::include);
        for (HandlerEndpoint endpoint : endpoints) {
            ConsumerSettings settings = endpoint.settings();
            // At-most-once never retries, so it needs no delay queues.
            RetryPolicy retry = settings.delivery() == Delivery.AT_MOST_ONCE
                    ? settings.retry().toBuilder().maxAttempts(1).build()
                    : settings.retry();
            Map<String, Object> arguments = queueArguments.apply(endpoint.queue());
            if (endpoint.topic() != null && endpoint.group() != null) {
                builder.subscription(endpoint.topic(), endpoint.group(), settings.queueType(), retry, arguments);
            } else {
                builder.workQueue(endpoint.queue(), settings.queueType(), retry, arguments);
            }
            if (settings.idempotency().enabled() && retry.maxAttempts() == 1) {
                // A copy whose key another consumer holds waits one backoff step before it comes back.
                builder.delayQueues(endpoint.queue(), settings.queueType(), List.of(retry.delayAfter(1)));
            }
        }
        return builder.build();
    }

    /**
     * The settings each handler runs with: defaults, then its annotation, then configuration.
     *
     * @return consumer name to settings, for the handlers registered so far
     */
    public synchronized Map<String, ConsumerSettings> consumerSettings() {
        Map<String, ConsumerSettings> settings = new java.util.LinkedHashMap<>();
        endpoints.forEach(endpoint -> settings.put(endpoint.consumerName(), endpoint.settings()));
        return settings;
    }

    /**
     * The operations on the dead-letter queues of this engine's handlers: list, peek, group, replay, discard.
     *
     * @return the dead-letter operations
     */
    @Override
    public DeadLetters deadLetters() {
        return new RabbitDeadLetters(connectionFactory, declarer, publisherChannels, () -> topology, publisherSettings.confirmTimeout());
    }

    /**
     * The work queues as the broker reported them at the last look (every alert interval while running).
     *
     * @return depth, consumers, dead letters and oldest-message age of each work queue
     */
    public List<QueueHealth> queueHealth() {
        return queueMonitor.health();
    }

    /**
     * The alerts raised and not yet cleared.
     *
     * @return entries such as {@code DEAD_LETTERS payments.charge}
     */
    public java.util.Set<String> activeAlerts() {
        return queueMonitor.activeAlerts();
    }

    private java.time.@org.jspecify.annotations.Nullable Duration lag(String queue, java.time.Instant now) {
        for (RabbitConsumer consumer : consumersSnapshot()) {
            if (consumer.queue().equals(queue)) {
                return consumer.pipeline().stats().lag(now);
            }
        }
        return null;
    }

    private synchronized List<RabbitConsumer> consumersSnapshot() {
        return List.copyOf(consumers);
    }

    /**
     * Whether RabbitMQ blocks the publishing connection now, for a memory or disk alarm. Publishes
     * then wait for it to unblock, up to the confirm timeout, and fail with
     * {@link dev.warren.publish.PublishException.Reason#BLOCKED}; a health check reads this.
     *
     * @return {@code true} while blocked
     */
    public boolean publisherBlocked() {
        return publisherChannels.isBlocked();
    }

    /** Looks at the queues now rather than at the next interval; raises and clears alerts as due. */
    public void checkQueues() {
        queueMonitor.look();
    }

    /**
     * The state of each circuit breaker: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}.
     *
     * @return breaker name to state; empty before start or without breakers
     */
    @Override
    public Map<String, String> circuitBreakerStates() {
        return breakers.states();
    }

    /**
     * Whether each handler's consumer takes messages from its queue right now. A consumer behind a
     * circuit breaker that is not closed is {@link ConsumerState#PAUSED}; one
     * whose queue was deleted, that the broker cancelled or whose connection is lost or refused is
     * {@link ConsumerState#NOT_CONSUMING} until the broker registers it again.
     *
     * @return consumer name to its state; empty before start, all not consuming after stop
     */
    @Override
    public synchronized Map<String, ConsumerState> consumerStates() {
        Map<String, String> breakerStates = breakers.states();
        Map<String, ConsumerState> states = new java.util.LinkedHashMap<>();
        for (RabbitConsumer consumer : consumers) {
            HandlerEndpoint endpoint = consumer.pipeline().endpoint();
            states.put(endpoint.consumerName(), ConsumerStates.of(running, breakerStates, endpoint, consumer.consuming()));
        }
        return states;
    }

    /**
     * What each handler's consumer has done since {@link #start()}.
     *
     * @return consumer name to a snapshot of its counters; empty before start
     */
    @Override
    public synchronized Map<String, ConsumerStats> consumerStats() {
        Map<String, ConsumerStats> stats = new java.util.LinkedHashMap<>();
        for (RabbitConsumer consumer : consumers) {
            stats.put(consumer.pipeline().endpoint().consumerName(), consumer.pipeline().stats().snapshot());
        }
        return stats;
    }

    /**
     * Builds a {@link WarrenEngine}. Not thread-safe.
     *
     * <pre>{@code
     * WarrenEngine engine = WarrenEngine.builder(connectionFactory)
     *         .handlers(new VideoWorker(), new EmailSender())
     *         .consumerDefaults(new ConsumerSettings(2, 20, QueueType.QUORUM))
     *         .build();
     * }</pre>
     */
    public static final class Builder extends HandlerEngineBuilder<Builder> {

        /** How long stopping waits for running handlers unless {@link #shutdownTimeout} says otherwise: 30 s. */
        public static final java.time.Duration DEFAULT_SHUTDOWN_TIMEOUT = java.time.Duration.ofSeconds(30);

        private final ConnectionFactory connectionFactory;
        private PublisherSettings publisherSettings = PublisherSettings.DEFAULTS;
        private @org.jspecify.annotations.Nullable ManagementApi managementApi;
        private java.util.function.Function<String, @org.jspecify.annotations.Nullable CircuitBreakerSettings> breakerResolver = name -> null;
        private final List<Topology> extraTopology = new ArrayList<>();
        private java.util.function.Function<String, Map<String, Object>> queueArguments = queue -> Map.of();
        private AlertSettings alertSettings = AlertSettings.DEFAULTS;
        private java.util.function.Consumer<Alert> alertListener = alert -> {
        };
        private dev.warren.topology.TopologyMode topologyMode = dev.warren.topology.TopologyMode.DECLARE;
        private java.time.Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

        private Builder(ConnectionFactory connectionFactory) {
            this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
        }

        /**
         * Lets the engine check the broker's policies at start-up through the management API: a
         * policy that breaks a guarantee (a delivery limit below a handler's attempts, a TTL on a
         * dead-letter queue) fails {@link WarrenEngine#start()}; a risky one is logged. Without it,
         * policies are not checked. An API that does not answer is logged and skipped.
         *
         * @param managementApi where the management API answers
         * @return this builder
         */
        public Builder managementApi(ManagementApi managementApi) {
            this.managementApi = Objects.requireNonNull(managementApi, "managementApi");
            return this;
        }

        /**
         * Looks up the settings of breakers not configured with {@link #circuitBreaker}, for
         * example from configuration; a breaker it returns {@code null} for gets the defaults.
         *
         * @param resolver breaker name to settings, or {@code null}
         * @return this builder
         */
        public Builder circuitBreakerResolver(java.util.function.Function<String, @org.jspecify.annotations.Nullable CircuitBreakerSettings> resolver) {
            this.breakerResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Declares queues, exchanges and bindings besides those of the handlers, such as a queue
         * another service consumes:
         * {@code .declare(Topology.builder().workQueue("audit.log", QueueType.QUORUM).build())}.
         *
         * @param topology what to declare as well
         * @return this builder
         */
        public Builder declare(Topology topology) {
            extraTopology.add(Objects.requireNonNull(topology, "topology"));
            return this;
        }

        /**
         * Adds declaration arguments to handlers' queues, such as {@code x-max-length}; Warren's own
         * arguments cannot be overridden.
         *
         * @param queueArguments queue name to further arguments (empty for none)
         * @return this builder
         */
        public Builder queueArguments(java.util.function.Function<String, Map<String, Object>> queueArguments) {
            this.queueArguments = Objects.requireNonNull(queueArguments, "queueArguments");
            return this;
        }

        /**
         * Sets the thresholds of queue alerts and how often queues are looked at.
         *
         * @param alertSettings the thresholds; the scenario's by default
         * @return this builder
         */
        public Builder alertSettings(AlertSettings alertSettings) {
            this.alertSettings = Objects.requireNonNull(alertSettings, "alertSettings");
            return this;
        }

        /**
         * Receives every alert raised or cleared, besides the log line Warren writes.
         *
         * @param alertListener called on the {@code warren-queue-monitor} thread
         * @return this builder
         */
        public Builder alertListener(java.util.function.Consumer<Alert> alertListener) {
            this.alertListener = Objects.requireNonNull(alertListener, "alertListener");
            return this;
        }

        /**
         * Sets whether the engine declares its topology ({@link dev.warren.topology.TopologyMode#DECLARE},
         * the default) or, where the platform owns the broker's topology, declares nothing and checks
         * at start-up that everything it needs is there ({@link dev.warren.topology.TopologyMode#PASSIVE},
         * which needs {@link #managementApi}).
         *
         * <pre>{@code
         * WarrenEngine.builder(connectionFactory).handlers(new VideoWorker())
         *         .topologyMode(TopologyMode.PASSIVE).managementApi(api).build();
         * }</pre>
         *
         * @param topologyMode declare or passive
         * @return this builder
         */
        public Builder topologyMode(dev.warren.topology.TopologyMode topologyMode) {
            this.topologyMode = Objects.requireNonNull(topologyMode, "topologyMode");
            return this;
        }

        /**
         * Sets how long {@link WarrenEngine#stop()}, and a circuit breaker's pause, wait for handlers
         * still running before they close their channels. A handler still running then is cut off:
         * its message goes back to the queue and is processed again, so make it longer than the
         * slowest handler takes.
         *
         * <pre>{@code
         * WarrenEngine.builder(connectionFactory).handlers(new VideoWorker())
         *         .shutdownTimeout(Duration.ofMinutes(2))   // transcoding takes up to a minute
         *         .build();
         * }</pre>
         *
         * @param shutdownTimeout above zero; {@link #DEFAULT_SHUTDOWN_TIMEOUT} unless set
         * @return this builder
         * @throws WarrenException when it is zero or negative
         */
        public Builder shutdownTimeout(java.time.Duration shutdownTimeout) {
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            if (shutdownTimeout.isZero() || shutdownTimeout.isNegative()) {
                throw new WarrenException("shutdownTimeout must be above 0 but was " + shutdownTimeout
                        + "; make it longer than the slowest handler takes, e.g. " + DEFAULT_SHUTDOWN_TIMEOUT);
            }
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * Sets the publisher's settings.
         *
         * @param publisherSettings confirm timeout, channels, in-flight limit
         * @return this builder
         */
        public Builder publisherSettings(PublisherSettings publisherSettings) {
            this.publisherSettings = Objects.requireNonNull(publisherSettings, "publisherSettings");
            return this;
        }

        /**
         * Scans the handlers and builds the engine, which is not started yet.
         *
         * @return the engine
         * @throws WarrenException when a handler's signature or settings are invalid
         */
        public WarrenEngine build() {
            return new WarrenEngine(this, options());
        }
    }
}
