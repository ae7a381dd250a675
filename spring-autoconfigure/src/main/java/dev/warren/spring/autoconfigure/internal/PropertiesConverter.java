package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.annotation.Delivery;
import dev.warren.annotation.QueueType;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.InputLimits;
import dev.warren.consumer.IdempotencySettings;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.protection.RateLimit;
import dev.warren.publish.PublisherSettings;
import dev.warren.retry.RetryPolicy;
import dev.warren.spring.autoconfigure.WarrenProperties;
import dev.warren.topology.Topology;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Turns the bound {@code warren.*} properties into core settings once at start-up, naming the
 * property, the bad value and what is allowed in any error.
 *
 * <p>Queue entries are looked up by consumer name, which usually has dots ({@code video.process}),
 * so they are bound by name rather than as map keys: {@code warren.queues.video.process.prefetch}
 * and {@code warren.queues[video.process].prefetch} both work.
 */
public final class PropertiesConverter {

    private static final String QUEUES = "warren.queues";

    private final WarrenProperties properties;
    private final Environment environment;
    private final Binder binder;

    public PropertiesConverter(WarrenProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
        this.binder = Binder.get(environment);
    }

    public ConsumerSettings consumerDefaults() {
        WarrenProperties.Defaults defaults = properties.getDefaults();
        String path = "warren.defaults";
        WarrenProperties.RetryDefaults retry = defaults.getRetry();
        RetryPolicy policy = retry(path + ".retry", RetryPolicy.builder()
                .maxAttempts(retry.getMaxAttempts())
                .backoff(retry.getBackoff())
                .multiplier(retry.getMultiplier())
                .maxBackoff(retry.getMaxBackoff())
                .jitter(retry.getJitter())
                .permanent(classes(retry.getPermanent()))
                .retryable(classes(retry.getRetryable())));
        WarrenProperties.IdempotencyDefaults idempotency = defaults.getIdempotency();
        RateLimit rateLimit = defaults.getRateLimit() == null || defaults.getRateLimit().isBlank() ? null
                : rateLimit(path + ".rate-limit", defaults.getRateLimit());
        return new ConsumerSettings(
                range(path + ".concurrency", defaults.getConcurrency(), 1, 1_000),
                range(path + ".prefetch", defaults.getPrefetch(), 1, ConsumerSettings.MAX_PREFETCH),
                concreteType(path + ".queue-type", defaults.getQueueType()),
                policy,
                concreteDelivery(path + ".delivery", defaults.getDelivery()),
                new IdempotencySettings(false, null, positive(path + ".idempotency.ttl", idempotency.getTtl()),
                        positive(path + ".idempotency.claim-ttl", idempotency.getClaimTtl())),
                null, rateLimit, limits(path, defaults));
    }

    private static InputLimits limits(String path, WarrenProperties.Defaults defaults) {
        WarrenProperties.JsonLimits json = defaults.getJson();
        InputLimits limits = InputLimits.DEFAULTS;
        limits = limit(path + ".max-message-size", limits, l -> l.withMaxMessageSize(defaults.getMaxMessageSize().toBytes()));
        limits = limit(path + ".json.max-nesting-depth", limits, l -> l.withMaxNestingDepth(json.getMaxNestingDepth()));
        limits = limit(path + ".json.max-string-length", limits, l -> l.withMaxStringLength(json.getMaxStringLength()));
        limits = limit(path + ".json.max-number-length", limits, l -> l.withMaxNumberLength(json.getMaxNumberLength()));
        if (json.getMaxDocumentLength() != null) {
            limits = limit(path + ".json.max-document-length", limits,
                    l -> l.withMaxDocumentLength(json.getMaxDocumentLength().toBytes()));
        }
        return limits;
    }

    private static InputLimits limits(String path, WarrenProperties.QueueOverrides overrides, InputLimits limits) {
        WarrenProperties.JsonLimitOverrides json = overrides.getJson();
        if (overrides.getMaxMessageSize() != null) {
            limits = limit(path + ".max-message-size", limits, l -> l.withMaxMessageSize(overrides.getMaxMessageSize().toBytes()));
        }
        if (json.getMaxNestingDepth() != null) {
            limits = limit(path + ".json.max-nesting-depth", limits, l -> l.withMaxNestingDepth(json.getMaxNestingDepth()));
        }
        if (json.getMaxStringLength() != null) {
            limits = limit(path + ".json.max-string-length", limits, l -> l.withMaxStringLength(json.getMaxStringLength()));
        }
        if (json.getMaxNumberLength() != null) {
            limits = limit(path + ".json.max-number-length", limits, l -> l.withMaxNumberLength(json.getMaxNumberLength()));
        }
        if (json.getMaxDocumentLength() != null) {
            limits = limit(path + ".json.max-document-length", limits,
                    l -> l.withMaxDocumentLength(json.getMaxDocumentLength().toBytes()));
        }
        return limits;
    }

    /** Applies one limit, naming its property when the value is refused. */
    private static InputLimits limit(String property, InputLimits limits, java.util.function.UnaryOperator<InputLimits> change) {
        try {
            return change.apply(limits);
        } catch (WarrenException e) {
            throw new WarrenException(property + ": " + e.getMessage());
        }
    }

    public dev.warren.monitor.AlertSettings alertSettings() {
        WarrenProperties.Alerts alerts = properties.getAlerts();
        try {
            return new dev.warren.monitor.AlertSettings(alerts.getInterval(), alerts.getBacklog(), alerts.getOldestMessage(),
                    alerts.getDeadLettersWarning(), alerts.getDeadLetters());
        } catch (WarrenException e) {
            throw new WarrenException("warren.alerts: " + e.getMessage());
        }
    }

    /** The settings of every breaker where its own entry sets nothing. */
    public CircuitBreakerSettings breakerDefaults() {
        WarrenProperties.BreakerDefaults defaults = properties.getDefaults().getCircuitBreaker();
        String path = "warren.defaults.circuit-breaker";
        try {
            return new CircuitBreakerSettings(defaults.getFailureThreshold(), defaults.getFailureRate(), defaults.getWindowSize(),
                    defaults.getSlowCallDuration(), defaults.getSlowCallRate(), defaults.getWait(), defaults.getTrialCalls(),
                    List.of());
        } catch (WarrenException e) {
            throw new WarrenException(path + ": " + e.getMessage());
        }
    }

    /**
     * Finds a breaker's settings: {@code warren.circuit-breakers.<name>}, else the circuit-breaker
     * settings of the queue entry of that name; {@code null} when neither sets anything.
     */
    public Function<String, CircuitBreakerSettings> breakerResolver() {
        CircuitBreakerSettings defaults = breakerDefaults();
        return name -> {
            for (String prefix : List.of("warren.circuit-breakers", QUEUES)) {
                String suffix = prefix.equals(QUEUES) ? ".circuit-breaker" : "";
                Bound<WarrenProperties.BreakerOverrides> entry = bindByName(prefix, name, suffix,
                        WarrenProperties.BreakerOverrides.class);
                if (entry != null && entry.value().hasSettings()) {
                    return breaker(entry.path(), entry.value(), defaults);
                }
            }
            return null;
        };
    }

    /**
     * The breakers that configuration gives settings: each {@code warren.circuit-breakers.<name>},
     * and each queue entry with {@code circuit-breaker} settings of its own, for an engine that
     * takes breaker settings by name rather than through {@link #breakerResolver()}.
     *
     * @return the breaker names, sorted
     */
    public Set<String> configuredBreakerNames() {
        Set<String> names = new TreeSet<>();
        for (String leaf : List.of("failure-threshold", "failure-rate", "window-size", "slow-call-duration", "slow-call-rate",
                "wait", "trial-calls", "failure-exceptions")) {
            names.addAll(namesWithSuffix("warren.circuit-breakers", "." + leaf));
            names.addAll(namesWithSuffix(QUEUES, ".circuit-breaker." + leaf));
        }
        return names;
    }

    private static CircuitBreakerSettings breaker(String path, WarrenProperties.BreakerOverrides o, CircuitBreakerSettings d) {
        try {
            return new CircuitBreakerSettings(
                    o.getFailureThreshold() != null ? o.getFailureThreshold() : d.failureThreshold(),
                    o.getFailureRate() != null ? o.getFailureRate() : d.failureRate(),
                    o.getWindowSize() != null ? o.getWindowSize() : d.windowSize(),
                    o.getSlowCallDuration() != null ? o.getSlowCallDuration() : d.slowCallDuration(),
                    o.getSlowCallRate() != null ? o.getSlowCallRate() : d.slowCallRate(),
                    o.getWait() != null ? o.getWait() : d.waitInOpen(),
                    o.getTrialCalls() != null ? o.getTrialCalls() : d.trialCalls(),
                    o.getFailureExceptions().isEmpty() ? d.failureExceptions() : o.getFailureExceptions());
        } catch (WarrenException e) {
            throw new WarrenException(path + ": " + e.getMessage());
        }
    }

    public ConsumerCustomizer consumerCustomizer() {
        return (name, settings) -> {
            Entry entry = queueEntry(name);
            return entry == null ? settings : apply(entry.path(), entry.overrides(), settings);
        };
    }

    private ConsumerSettings apply(String path, WarrenProperties.QueueOverrides overrides, ConsumerSettings settings) {
        ConsumerSettings result = new ConsumerSettings(
                overrides.getConcurrency() == null ? settings.concurrency()
                        : range(path + ".concurrency", overrides.getConcurrency(), 1, 1_000),
                overrides.getPrefetch() == null ? settings.prefetch()
                        : range(path + ".prefetch", overrides.getPrefetch(), 1, ConsumerSettings.MAX_PREFETCH),
                overrides.getQueueType() == null ? settings.queueType() : concreteType(path + ".queue-type", overrides.getQueueType()),
                settings.retry(),
                overrides.getDelivery() == null ? settings.delivery() : concreteDelivery(path + ".delivery", overrides.getDelivery()),
                settings.idempotency(), settings.circuitBreaker(), settings.rateLimit(),
                limits(path, overrides, settings.limits()));
        WarrenProperties.RetryOverrides retry = overrides.getRetry();
        RetryPolicy.Builder policy = settings.retry().toBuilder();
        if (retry.getMaxAttempts() != null) {
            policy.maxAttempts(retry.getMaxAttempts());
        }
        if (retry.getBackoff() != null) {
            policy.backoff(retry.getBackoff());
        }
        if (retry.getMultiplier() != null) {
            policy.multiplier(retry.getMultiplier());
        }
        if (retry.getMaxBackoff() != null) {
            policy.maxBackoff(retry.getMaxBackoff());
        }
        if (retry.getJitter() != null) {
            policy.jitter(retry.getJitter());
        }
        policy.permanent(classes(retry.getPermanent())).retryable(classes(retry.getRetryable()));
        result = result.withRetry(retry(path + ".retry", policy));
        if (overrides.getRateLimit() != null) {
            result = result.withRateLimit(overrides.getRateLimit().isBlank() ? null
                    : rateLimit(path + ".rate-limit", overrides.getRateLimit()));
        }
        WarrenProperties.BreakerOverrides breaker = overrides.getCircuitBreaker();
        if (Boolean.FALSE.equals(breaker.getEnabled())) {
            result = result.withCircuitBreaker(null);
        } else if (breaker.getName() != null && !breaker.getName().isBlank()) {
            result = result.withCircuitBreaker(breaker.getName());
        } else if (Boolean.TRUE.equals(breaker.getEnabled()) || breaker.hasSettings()) {
            result = result.withCircuitBreaker(path.substring(QUEUES.length() + 1));
        }
        WarrenProperties.IdempotencyOverrides idempotency = overrides.getIdempotency();
        IdempotencySettings current = result.idempotency();
        return result.withIdempotency(new IdempotencySettings(
                idempotency.getEnabled() == null ? current.enabled() : idempotency.getEnabled(),
                idempotency.getKeyField() == null ? current.keyField() : idempotency.getKeyField(),
                idempotency.getTtl() == null ? current.ttl() : positive(path + ".idempotency.ttl", idempotency.getTtl()),
                idempotency.getClaimTtl() == null ? current.claimTtl()
                        : positive(path + ".idempotency.claim-ttl", idempotency.getClaimTtl()),
                idempotency.getStore() == null ? current.store() : idempotency.getStore().name().toLowerCase(java.util.Locale.ROOT)));
    }

    public PublisherSettings publisherSettings() {
        WarrenProperties.Publisher publisher = properties.getPublisher();
        return new PublisherSettings(positive("warren.publisher.confirm-timeout", publisher.getConfirmTimeout()),
                range("warren.publisher.channels", publisher.getChannels(), 1, 64),
                range("warren.publisher.max-in-flight", publisher.getMaxInFlight(), 1, 1_000_000));
    }

    /**
     * The {@code warren.queues} properties that belong to none of the given consumers.
     *
     * @param consumerNames the handlers' consumer names
     * @return the full property names, sorted
     */
    public Set<String> unmatchedQueueProperties(Collection<String> consumerNames) {
        Set<String> known = new TreeSet<>(consumerNames);
        known.addAll(namesWithSuffix(QUEUES, ".declare"));
        // A queue that only names its broker is one this application sends to, not a typo.
        known.addAll(namesWithSuffix(QUEUES, ".transport"));
        Set<String> unmatched = new TreeSet<>();
        propertyNames().stream()
                .filter(name -> name.startsWith(QUEUES + ".") || name.startsWith(QUEUES + "["))
                .filter(name -> known.stream().noneMatch(consumer -> name.startsWith(QUEUES + "." + consumer + ".")
                        || name.startsWith(QUEUES + "[" + consumer + "]")))
                .forEach(unmatched::add);
        return unmatched;
    }

    private record Entry(String path, WarrenProperties.QueueOverrides overrides) {
    }

    private record Bound<T>(String path, T value) {
    }

    private @Nullable Entry queueEntry(String consumerName) {
        Bound<WarrenProperties.QueueOverrides> bound = bindByName(QUEUES, consumerName, "", WarrenProperties.QueueOverrides.class);
        return bound == null ? null : new Entry(bound.path(), bound.value());
    }

    /** Binds {@code <prefix>.<name><suffix>}, or the bracketed form, since names usually have dots. */
    private <T> @Nullable Bound<T> bindByName(String prefix, String name, String suffix, Class<T> type) {
        for (String path : List.of(prefix + "." + name + suffix, prefix + "[" + name + "]" + suffix)) {
            if (!ConfigurationPropertyName.isValid(path)) {
                continue;
            }
            var bound = binder.bind(path, Bindable.of(type));
            if (bound.isBound()) {
                return new Bound<>(prefix + "." + name + suffix, bound.get());
            }
        }
        return null;
    }

    /** The further queue arguments of {@code warren.queues.<q>.arguments}, numbers and booleans typed. */
    public Function<String, java.util.Map<String, Object>> queueArguments() {
        return queue -> {
            Entry entry = queueEntry(queue);
            if (entry == null || entry.overrides().getArguments().isEmpty()) {
                return java.util.Map.of();
            }
            java.util.Map<String, Object> arguments = new java.util.LinkedHashMap<>();
            entry.overrides().getArguments().forEach((name, value) -> arguments.put(name, typed(value)));
            try {
                // Validate here so that the error names the property.
                dev.warren.topology.QueueSpec.workQueue(queue, QueueType.QUORUM, 1, arguments);
            } catch (WarrenException e) {
                throw new WarrenException(entry.path() + ".arguments: " + e.getMessage());
            }
            return arguments;
        };
    }

    private static Object typed(String value) {
        String trimmed = value.trim();
        if (trimmed.matches("-?\\d{1,18}")) {
            return Long.parseLong(trimmed);
        }
        if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(trimmed);
        }
        return value;
    }

    /**
     * What configuration declares besides the handlers: {@code warren.queues.<name>.declare: true}
     * and {@code warren.topics.<topic>.groups}.
     */
    public Topology declarations(QueueType defaultType) {
        Topology.Builder topology = Topology.builder();
        for (String queue : namesWithSuffix(QUEUES, ".declare")) {
            Entry entry = queueEntry(queue);
            if (entry != null && Boolean.TRUE.equals(entry.overrides().getDeclare())) {
                QueueType type = entry.overrides().getQueueType() != null
                        ? concreteType(entry.path() + ".queue-type", entry.overrides().getQueueType()) : defaultType;
                topology.workQueue(queue, type, dev.warren.retry.RetryPolicy.builder().maxAttempts(1).build(),
                        queueArguments().apply(queue));
            }
        }
        for (String topic : namesWithSuffix("warren.topics", ".groups")) {
            Bound<WarrenProperties.TopicDeclaration> bound = bindByName("warren.topics", topic, "",
                    WarrenProperties.TopicDeclaration.class);
            if (bound == null) {
                continue;
            }
            QueueType type = bound.value().getQueueType() != null
                    ? concreteType(bound.path() + ".queue-type", bound.value().getQueueType()) : defaultType;
            for (String group : bound.value().getGroups()) {
                topology.subscription(topic, group, type);
            }
        }
        return topology.build();
    }

    /** Whether the configuration puts some queues or topics on RabbitMQ and others on JMS. */
    public boolean usesBothTransports() {
        return TransportsInUse.of(environment).size() > 1;
    }

    /** Resolves the placeholders in a handler annotation's names, as the engines do. */
    public String resolveName(String name) {
        return environment.resolveRequiredPlaceholders(name);
    }

    /**
     * The broker of a queue: its {@code warren.queues.<name>.transport}, else {@code warren.transport}.
     *
     * @param name a queue or consumer name ({@code <topic>.<group>} for a subscription)
     * @return where the queue's handler runs and where sends to it go
     */
    public WarrenProperties.Transport queueTransport(String name) {
        Entry entry = queueEntry(name);
        return entry != null && entry.overrides().getTransport() != null ? entry.overrides().getTransport()
                : properties.getTransport();
    }

    /**
     * The broker of a topic: its {@code warren.topics.<topic>.transport}, else {@code warren.transport}.
     *
     * @param topic the topic
     * @return where publishes to the topic go
     */
    public WarrenProperties.Transport topicTransport(String topic) {
        Bound<WarrenProperties.TopicDeclaration> bound = bindByName("warren.topics", topic, "",
                WarrenProperties.TopicDeclaration.class);
        return bound != null && bound.value().getTransport() != null ? bound.value().getTransport()
                : properties.getTransport();
    }

    /** The names between {@code prefix.} and {@code suffix} (or a list index after it) among all property names. */
    private Set<String> namesWithSuffix(String prefix, String suffix) {
        Set<String> names = new TreeSet<>();
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(prefix) + "(?:\\.(.+)|\\[(.+)\\])" + java.util.regex.Pattern.quote(suffix)
                        + "(\\[\\d+\\])?");
        for (String property : propertyNames()) {
            java.util.regex.Matcher matcher = pattern.matcher(property);
            if (matcher.matches()) {
                names.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            }
        }
        return names;
    }

    private List<String> propertyNames() {
        List<String> names = new java.util.ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().map(ConfigurationPropertyName::toString).forEach(names::add);
            }
        }
        return names;
    }

    private static RateLimit rateLimit(String path, String text) {
        try {
            return RateLimit.parse(text);
        } catch (WarrenException e) {
            throw new WarrenException(path + ": '" + text + "' is not allowed; use a rate like 100/s, 600/m or 1000/h");
        }
    }

    private static RetryPolicy retry(String path, RetryPolicy.Builder builder) {
        try {
            return builder.build();
        } catch (WarrenException e) {
            throw new WarrenException(path + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Throwable>[] classes(List<Class<? extends Throwable>> types) {
        return types.toArray(Class[]::new);
    }

    private static int range(String path, int value, int min, int max) {
        if (value < min || value > max) {
            throw new WarrenException(path + ": " + value + " is not allowed; use " + min + ".." + max);
        }
        return value;
    }

    private static Duration positive(String path, @Nullable Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new WarrenException(path + ": " + value + " is not allowed; use a positive duration such as 10s");
        }
        return value;
    }

    private static QueueType concreteType(String path, @Nullable QueueType type) {
        if (type == null || type == QueueType.DEFAULT) {
            throw new WarrenException(path + ": " + type + " is not allowed; use quorum or classic");
        }
        return type;
    }

    private static Delivery concreteDelivery(String path, @Nullable Delivery delivery) {
        if (delivery == null || delivery == Delivery.DEFAULT) {
            throw new WarrenException(path + ": " + delivery + " is not allowed; use at-least-once or at-most-once");
        }
        return delivery;
    }
}
