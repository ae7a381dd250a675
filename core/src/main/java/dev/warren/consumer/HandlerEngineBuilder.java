package dev.warren.consumer;

import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.internal.TimeScale;
import dev.warren.internal.pipeline.EngineOptions;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.protection.CircuitBreakerTransition;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The options every Warren engine takes, whatever its transport: handlers, their settings,
 * idempotency, validation, circuit breakers, observation and time scale. The builders of
 * {@code WarrenEngine} (RabbitMQ) and {@code JmsWarrenEngine} (JMS) extend it with their
 * transport's options; each method returns the transport's builder, so calls chain in any order:
 *
 * <pre>{@code
 * WarrenEngine.builder(connectionFactory)
 *         .handlers(new VideoWorker())
 *         .timeScale(0.01)
 *         .publisherSettings(PublisherSettings.DEFAULTS)
 *         .build();
 * }</pre>
 *
 * <p>Not thread-safe.
 *
 * @param <B> the transport's builder, which every method returns
 * @since 0.1
 */
public abstract class HandlerEngineBuilder<B extends HandlerEngineBuilder<B>> {

    /** Keys the default in-memory idempotency store remembers: about 20 MB. */
    private static final int DEFAULT_IN_MEMORY_KEYS = 100_000;

    private final Map<Object, Class<?>> handlers = new LinkedHashMap<>();
    private JsonMapper jsonMapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private ConsumerSettings consumerDefaults = ConsumerSettings.DEFAULTS;
    private ConsumerCustomizer consumerCustomizer = ConsumerCustomizer.NONE;
    private UnaryOperator<String> nameResolver = UnaryOperator.identity();
    private Predicate<String> consumerFilter = name -> true;
    private @Nullable IdempotencyStore idempotencyStore;
    private Function<String, @Nullable IdempotencyStore> storeResolver = name -> null;
    private @Nullable Object validator;
    private final Map<String, CircuitBreakerSettings> breakerSettings = new LinkedHashMap<>();
    private CircuitBreakerSettings breakerDefaults = CircuitBreakerSettings.DEFAULTS;
    private Consumer<CircuitBreakerTransition> breakerListener = transition -> {
    };
    private ObservationRegistry observations = ObservationRegistry.NOOP;
    private DeliveryListener deliveryListener = DeliveryListener.NONE;
    private TimeScale timeScale = TimeScale.NONE;

    /** For the builders of Warren's engines. */
    protected HandlerEngineBuilder() {
    }

    /**
     * Adds objects whose {@code @Consumer} and {@code @Subscribe} methods become handlers.
     *
     * @param beans the handler objects
     * @return this builder
     */
    public B handlers(Object... beans) {
        for (Object bean : beans) {
            handler(bean, bean.getClass());
        }
        return self();
    }

    /**
     * Adds a handler object whose annotations are read from another class, such as the user
     * class behind a proxy.
     *
     * @param bean the object whose methods are invoked
     * @param annotatedType the class that declares the annotated methods
     * @return this builder
     */
    public B handler(Object bean, Class<?> annotatedType) {
        handlers.put(Objects.requireNonNull(bean, "bean"), Objects.requireNonNull(annotatedType, "annotatedType"));
        return self();
    }

    /**
     * Runs only the handlers whose consumer name (a {@code @Consumer}'s queue, or
     * {@code <topic>.<group>} of a {@code @Subscribe}) the filter accepts, leaving the others
     * to another engine, such as one on the other transport. The others are still checked.
     *
     * <pre>{@code
     * Set<String> onJms = Set.of("legacy.invoices");
     * rabbitBuilder.consumerFilter(name -> !onJms.contains(name));
     * jmsBuilder.consumerFilter(onJms::contains);
     * }</pre>
     *
     * @param consumerFilter accepts the consumer names to run; by default all
     * @return this builder
     */
    public B consumerFilter(Predicate<String> consumerFilter) {
        this.consumerFilter = Objects.requireNonNull(consumerFilter, "consumerFilter");
        return self();
    }

    /**
     * Hears what happens to each message: processed, failed, retried, dead-lettered, skipped
     * as a duplicate, published. Test harnesses and tooling use it.
     *
     * @param listener the listener
     * @return this builder
     */
    public B deliveryListener(DeliveryListener listener) {
        this.deliveryListener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * Scales every wait Warren schedules by a factor, for tests: each handler's retry backoffs
     * (from its annotation, the defaults and the customizer alike; the delay queues are named
     * after the scaled delays, JMS delivery delays follow) and each circuit breaker's wait in the
     * open state. A scaled wait is never below 1 ms. Rate limits are not waits and keep their period.
     *
     * <pre>{@code
     * // @Retry(backoff = "1m") waits 60 ms; a breaker's 30 s wait in the open state, 30 ms
     * WarrenEngine.builder(connectionFactory).handlers(new Billing()).timeScale(0.001).build();
     * }</pre>
     *
     * @param factor above 0 and at most 1; 1, the default, keeps real time
     * @return this builder
     * @throws dev.warren.WarrenException when the factor is not above 0 and at most 1
     */
    public B timeScale(double factor) {
        this.timeScale = TimeScale.of(factor);
        return self();
    }

    /**
     * Sets the JSON mapper for payloads. The default ignores unknown properties, so producers
     * can add fields without breaking consumers.
     *
     * @param jsonMapper the mapper
     * @return this builder
     */
    public B jsonMapper(JsonMapper jsonMapper) {
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
        return self();
    }

    /**
     * Sets the settings a handler gets where its annotation sets nothing.
     *
     * @param consumerDefaults the defaults
     * @return this builder
     */
    public B consumerDefaults(ConsumerSettings consumerDefaults) {
        this.consumerDefaults = Objects.requireNonNull(consumerDefaults, "consumerDefaults");
        return self();
    }

    /**
     * Lets configuration override each handler's settings, after its annotation.
     *
     * @param consumerCustomizer called once per handler
     * @return this builder
     */
    public B consumerCustomizer(ConsumerCustomizer consumerCustomizer) {
        this.consumerCustomizer = Objects.requireNonNull(consumerCustomizer, "consumerCustomizer");
        return self();
    }

    /**
     * Resolves the names in handler annotations (queue, topic, group) before use, for example
     * Spring placeholders such as {@code @Consumer(queue = "${video.queue}")}.
     *
     * @param nameResolver maps an annotation value to the name to use
     * @return this builder
     */
    public B nameResolver(UnaryOperator<String> nameResolver) {
        this.nameResolver = Objects.requireNonNull(nameResolver, "nameResolver");
        return self();
    }

    /**
     * Sets the store idempotent handlers remember processed keys in. The default keeps up to
     * 100,000 keys in memory, which deduplicates within one instance only; share a Redis or
     * JDBC store between instances.
     *
     * @param idempotencyStore the store
     * @return this builder
     */
    public B idempotencyStore(IdempotencyStore idempotencyStore) {
        this.idempotencyStore = Objects.requireNonNull(idempotencyStore, "idempotencyStore");
        return self();
    }

    /**
     * Finds the idempotency stores handlers name in their settings
     * ({@code warren.queues.<q>.idempotency.store: redis}); a name it returns {@code null} for
     * fails start-up.
     *
     * @param storeResolver store name to store, or {@code null}
     * @return this builder
     */
    public B idempotencyStores(Function<String, @Nullable IdempotencyStore> storeResolver) {
        this.storeResolver = Objects.requireNonNull(storeResolver, "storeResolver");
        return self();
    }

    /**
     * Sets the Jakarta Bean Validation validator for payloads marked {@code @Valid}. Without
     * one, the default provider on the class path is used.
     *
     * @param validator the validator
     * @return this builder
     */
    public B validator(jakarta.validation.Validator validator) {
        this.validator = Objects.requireNonNull(validator, "validator");
        return self();
    }

    /**
     * Configures a named circuit breaker, which handlers join with
     * {@code @Consumer(circuitBreaker = "name")}.
     *
     * @param name the breaker's name
     * @param settings when it opens and how it recovers
     * @return this builder
     */
    public B circuitBreaker(String name, CircuitBreakerSettings settings) {
        breakerSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(settings, "settings"));
        return self();
    }

    /**
     * Sets the settings of breakers that are not configured by name.
     *
     * @param settings the defaults, {@link CircuitBreakerSettings#DEFAULTS} unless set
     * @return this builder
     */
    public B circuitBreakerDefaults(CircuitBreakerSettings settings) {
        this.breakerDefaults = Objects.requireNonNull(settings, "settings");
        return self();
    }

    /**
     * Receives every circuit breaker transition, after Warren paused or resumed its consumers.
     *
     * @param breakerListener called on the {@code warren-circuit-breaker} thread
     * @return this builder
     */
    public B circuitBreakerListener(Consumer<CircuitBreakerTransition> breakerListener) {
        this.breakerListener = Objects.requireNonNull(breakerListener, "breakerListener");
        return self();
    }

    /**
     * Lets publishing ({@code warren.publish}) and processing ({@code warren.process}) take part
     * in Micrometer Observation: timers, and with a tracer, a trace that continues from the
     * publisher through the handler (the context travels in the message headers).
     *
     * @param observations the registry; no observations without it
     * @return this builder
     */
    public B observationRegistry(ObservationRegistry observations) {
        this.observations = Objects.requireNonNull(observations, "observations");
        return self();
    }

    /**
     * What this builder collected so far, for the engine to build from; the idempotency store is
     * the default in-memory one when none was set.
     *
     * @return a snapshot of the options
     */
    protected final EngineOptions options() {
        IdempotencyStore store = idempotencyStore != null ? idempotencyStore
                : new InMemoryIdempotencyStore(DEFAULT_IN_MEMORY_KEYS, Clock.systemUTC());
        return new EngineOptions(handlers, jsonMapper, consumerDefaults, consumerCustomizer, nameResolver, consumerFilter,
                store, storeResolver, validator, breakerSettings, breakerDefaults, breakerListener, observations,
                deliveryListener, timeScale);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        // B is the subclass by declaration: class Builder extends HandlerEngineBuilder<Builder>.
        return (B) this;
    }
}
