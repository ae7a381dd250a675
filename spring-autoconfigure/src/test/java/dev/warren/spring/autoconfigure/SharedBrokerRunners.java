package dev.warren.spring.autoconfigure;

import dev.warren.test.RabbitBroker;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.artemis.autoconfigure.ArtemisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Application context runners with Warren's auto-configuration on the shared broker, as the starter sets it up. */
final class SharedBrokerRunners {

    private SharedBrokerRunners() {
    }

    /**
     * RabbitMQ, Jackson and Warren auto-configuration, connected to the shared broker.
     *
     * @param more further auto-configurations, e.g. {@code ValidationAutoConfiguration}
     */
    static ApplicationContextRunner warren(Class<?>... more) {
        List<Class<?>> configurations = new ArrayList<>(List.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
                WarrenAutoConfiguration.class));
        configurations.addAll(List.of(more));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(configurations.toArray(Class<?>[]::new)))
                .withPropertyValues("spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses());
    }

    /**
     * As {@link #warren}, with an embedded Artemis broker and Warren's JMS auto-configuration.
     *
     * @param more further auto-configurations, e.g. {@code WarrenMixedTransportsAutoConfiguration}
     */
    static ApplicationContextRunner warrenAndJms(Class<?>... more) {
        List<Class<?>> configurations = new ArrayList<>(List.of(ArtemisAutoConfiguration.class, JmsAutoConfiguration.class,
                WarrenJmsAutoConfiguration.class));
        configurations.addAll(List.of(more));
        return warren(configurations.toArray(Class<?>[]::new)).withPropertyValues("spring.artemis.mode=embedded");
    }
}
