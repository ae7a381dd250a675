package dev.warren.spring.autoconfigure.internal;

import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The brokers an application's configuration uses: {@code warren.transport} (rabbitmq unless set)
 * and every {@code warren.queues.<name>.transport} and {@code warren.topics.<topic>.transport}.
 * Decides which engines the auto-configuration builds, before the properties are bound.
 *
 * <p>A value that names no transport counts as none here; binding {@code WarrenProperties} then
 * fails start-up with the allowed values.
 */
public final class TransportsInUse {

    /** The lower-case transport names, as in configuration. */
    public static final String RABBITMQ = "rabbitmq";

    /** See {@link #RABBITMQ}. */
    public static final String JMS = "jms";

    private TransportsInUse() {
    }

    /**
     * The transports the configuration names.
     *
     * @param environment the application's environment
     * @return rabbitmq, jms or both, in lower case
     */
    public static Set<String> of(Environment environment) {
        Set<String> used = new java.util.TreeSet<>();
        used.add(normalized(environment.getProperty("warren.transport", RABBITMQ)));
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream()
                    .filter(name -> isPerDestination(name.toString()))
                    .map(source::getConfigurationProperty)
                    .filter(java.util.Objects::nonNull)
                    .map(property -> normalized(String.valueOf(property.getValue())))
                    .forEach(used::add);
        }
        used.retainAll(Set.of(RABBITMQ, JMS));
        return used;
    }

    private static boolean isPerDestination(String name) {
        return (name.startsWith("warren.queues") || name.startsWith("warren.topics")) && name.endsWith(".transport");
    }

    private static String normalized(String value) {
        return value.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Whether the configuration uses both transports. */
    static boolean mixed(Environment environment) {
        return of(environment).size() > 1;
    }

    /** Matches when the configuration uses RabbitMQ for the whole application or for one queue or topic. */
    public static final class RabbitMq implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Set<String> used = of(context.getEnvironment());
            // An unknown warren.transport value leaves the set empty: RabbitMQ's configuration then
            // binds the properties and fails start-up naming the allowed values.
            return used.isEmpty() || used.contains(RABBITMQ);
        }
    }

    /** Matches when the configuration uses JMS for the whole application or for one queue or topic. */
    public static final class Jms implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return of(context.getEnvironment()).contains(JMS);
        }
    }

    /** Matches when the configuration uses both transports. */
    public static final class Both implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return mixed(context.getEnvironment());
        }
    }
}
