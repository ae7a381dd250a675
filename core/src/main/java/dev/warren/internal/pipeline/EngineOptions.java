package dev.warren.internal.pipeline;

import dev.warren.WarrenException;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.DeliveryListener;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.internal.TimeScale;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerScanner;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.protection.CircuitBreakerTransition;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.observation.ObservationRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every engine builder collects, whatever the transport, and what the engines build from it
 * the same way: the handler scanner, each handler's pipeline and its breaker's settings. Immutable;
 * built once by {@link dev.warren.consumer.HandlerEngineBuilder}.
 *
 * @param handlers handler objects to the classes that declare their annotated methods, in the order added
 * @param jsonMapper the payload mapper
 * @param consumerDefaults settings a handler gets where its annotation sets nothing
 * @param consumerCustomizer configuration's override of each handler's settings
 * @param nameResolver resolves the names in handler annotations
 * @param consumerFilter accepts the consumer names this engine runs
 * @param idempotencyStore the store of idempotent handlers that name none
 * @param storeResolver store name to store, or {@code null} when unknown
 * @param validator a {@code jakarta.validation.Validator}, or {@code null} for the default provider
 * @param breakerSettings circuit breaker name to its settings
 * @param breakerDefaults settings of breakers not configured by name
 * @param breakerListener hears breaker transitions
 * @param observations the observation registry
 * @param deliveryListener hears what happens to each message
 * @param timeScale scales retry backoffs and breaker waits
 */
public record EngineOptions(
        Map<Object, Class<?>> handlers,
        JsonMapper jsonMapper,
        ConsumerSettings consumerDefaults,
        ConsumerCustomizer consumerCustomizer,
        UnaryOperator<String> nameResolver,
        Predicate<String> consumerFilter,
        IdempotencyStore idempotencyStore,
        Function<String, @Nullable IdempotencyStore> storeResolver,
        @Nullable Object validator,
        Map<String, CircuitBreakerSettings> breakerSettings,
        CircuitBreakerSettings breakerDefaults,
        Consumer<CircuitBreakerTransition> breakerListener,
        ObservationRegistry observations,
        DeliveryListener deliveryListener,
        TimeScale timeScale) {

    /** Copies the maps; handlers keep the order they were added in. */
    public EngineOptions {
        handlers = Collections.unmodifiableMap(new LinkedHashMap<>(handlers));
        breakerSettings = Map.copyOf(breakerSettings);
    }

    /**
     * A scanner that applies the defaults, the customizer (with scaled retry backoffs), the name
     * resolver and the consumer filter.
     *
     * @return a new scanner
     */
    public HandlerScanner scanner() {
        return new HandlerScanner(consumerDefaults, timeScale.scale(consumerCustomizer), nameResolver, consumerFilter);
    }

    /**
     * The settings of a circuit breaker, with its wait in the open state scaled: configured by
     * name, else found by the resolver, else the defaults.
     *
     * @param name the breaker's name
     * @param resolver settings of breakers not configured by name, or {@code null}
     * @return the scaled settings
     */
    public CircuitBreakerSettings breakerSettingsFor(String name, Function<String, @Nullable CircuitBreakerSettings> resolver) {
        CircuitBreakerSettings configured = breakerSettings.get(name);
        if (configured == null) {
            configured = resolver.apply(name);
        }
        return timeScale.scale(configured != null ? configured : breakerDefaults);
    }

    /**
     * The pipeline of one handler: its payload validation, idempotency store, breaker, rate limit,
     * observations and delivery listener.
     *
     * @param endpoint the handler
     * @param breaker the breaker it joins, or {@code null}
     * @param transport what the consumer talks to, named in traces: {@code rabbitmq}, {@code jms}
     * @return a new pipeline
     * @throws WarrenException when the handler names an idempotency store this application does not have
     */
    public HandlerPipeline pipeline(HandlerEndpoint endpoint, @Nullable CircuitBreaker breaker, String transport) {
        PayloadValidator payloadValidator = endpoint.method().validatesPayload()
                ? BeanValidation.of(validator, endpoint.method().describe())
                : PayloadValidator.NONE;
        return new HandlerPipeline(endpoint, jsonMapper, payloadValidator, idempotencyStoreFor(endpoint),
                ThreadLocalRandom.current(), breaker, HandlerPipeline.rateLimiter(endpoint), observations, deliveryListener,
                transport);
    }

    private IdempotencyStore idempotencyStoreFor(HandlerEndpoint endpoint) {
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
}
