package dev.warren.spring.autoconfigure.internal;

import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.publish.PublisherSettings;
import dev.warren.spring.autoconfigure.WarrenProperties;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Turns the bound {@code warren.*} properties into core settings once, naming the property of any bad value. */
public final class PropertiesConverter {

    private PropertiesConverter() {
    }

    public static ConsumerSettings consumerDefaults(WarrenProperties properties) {
        WarrenProperties.ConsumerDefaults defaults = properties.getConsumerDefaults();
        String path = "warren.consumer-defaults";
        return new ConsumerSettings(
                atLeastOne(path + ".concurrency", defaults.getConcurrency()),
                atLeastOne(path + ".prefetch", defaults.getPrefetch()),
                concreteType(path + ".queue-type", defaults.getQueueType()));
    }

    public static ConsumerCustomizer consumerCustomizer(WarrenProperties properties) {
        Map<String, WarrenProperties.ConsumerOverrides> overrides = Map.copyOf(properties.getConsumers());
        return (name, settings) -> {
            WarrenProperties.ConsumerOverrides override = overrides.get(name);
            if (override == null) {
                return settings;
            }
            String path = "warren.consumers.[" + name + "]";
            return new ConsumerSettings(
                    override.getConcurrency() == null ? settings.concurrency()
                            : atLeastOne(path + ".concurrency", override.getConcurrency()),
                    override.getPrefetch() == null ? settings.prefetch() : atLeastOne(path + ".prefetch", override.getPrefetch()),
                    override.getQueueType() == null ? settings.queueType() : concreteType(path + ".queue-type", override.getQueueType()));
        };
    }

    public static PublisherSettings publisherSettings(WarrenProperties properties) {
        WarrenProperties.Publisher publisher = properties.getPublisher();
        Duration timeout = publisher.getConfirmTimeout();
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new WarrenException("warren.publisher.confirm-timeout must be positive but was " + timeout + "; e.g. 10s");
        }
        return new PublisherSettings(timeout,
                atLeastOne("warren.publisher.channels", publisher.getChannels()),
                atLeastOne("warren.publisher.max-in-flight", publisher.getMaxInFlight()));
    }

    private static int atLeastOne(String path, int value) {
        if (value < 1) {
            throw new WarrenException(path + " must be >= 1 but was " + value);
        }
        return value;
    }

    private static QueueType concreteType(String path, @Nullable QueueType type) {
        if (type == null || type == QueueType.DEFAULT) {
            throw new WarrenException(path + " must be quorum or classic but was " + type);
        }
        return type;
    }
}
