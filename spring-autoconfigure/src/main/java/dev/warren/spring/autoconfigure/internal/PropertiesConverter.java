package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.annotation.Delivery;
import dev.warren.annotation.QueueType;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.IdempotencySettings;
import dev.warren.publish.PublisherSettings;
import dev.warren.retry.RetryPolicy;
import dev.warren.spring.autoconfigure.WarrenProperties;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
        return new ConsumerSettings(
                range(path + ".concurrency", defaults.getConcurrency(), 1, 1_000),
                range(path + ".prefetch", defaults.getPrefetch(), 1, ConsumerSettings.MAX_PREFETCH),
                concreteType(path + ".queue-type", defaults.getQueueType()),
                policy,
                concreteDelivery(path + ".delivery", defaults.getDelivery()),
                new IdempotencySettings(false, null, positive(path + ".idempotency.ttl", idempotency.getTtl()),
                        positive(path + ".idempotency.claim-ttl", idempotency.getClaimTtl())));
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
                settings.idempotency());
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
        WarrenProperties.IdempotencyOverrides idempotency = overrides.getIdempotency();
        IdempotencySettings current = result.idempotency();
        return result.withIdempotency(new IdempotencySettings(
                idempotency.getEnabled() == null ? current.enabled() : idempotency.getEnabled(),
                idempotency.getKeyField() == null ? current.keyField() : idempotency.getKeyField(),
                idempotency.getTtl() == null ? current.ttl() : positive(path + ".idempotency.ttl", idempotency.getTtl()),
                idempotency.getClaimTtl() == null ? current.claimTtl()
                        : positive(path + ".idempotency.claim-ttl", idempotency.getClaimTtl())));
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
        Set<String> unmatched = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().map(ConfigurationPropertyName::toString)
                    .filter(name -> name.startsWith(QUEUES + ".") || name.startsWith(QUEUES + "["))
                    .filter(name -> consumerNames.stream().noneMatch(consumer -> name.startsWith(QUEUES + "." + consumer + ".")
                            || name.startsWith(QUEUES + "[" + consumer + "]")))
                    .forEach(unmatched::add);
        }
        return unmatched;
    }

    private record Entry(String path, WarrenProperties.QueueOverrides overrides) {
    }

    private @Nullable Entry queueEntry(String consumerName) {
        for (String path : List.of(QUEUES + "." + consumerName, QUEUES + "[" + consumerName + "]")) {
            if (!ConfigurationPropertyName.isValid(path)) {
                continue;
            }
            var bound = binder.bind(path, Bindable.of(WarrenProperties.QueueOverrides.class));
            if (bound.isBound()) {
                return new Entry(QUEUES + "." + consumerName, bound.get());
            }
        }
        return null;
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
