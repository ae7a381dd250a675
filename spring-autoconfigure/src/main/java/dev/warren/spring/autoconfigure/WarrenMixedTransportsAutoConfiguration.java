package dev.warren.spring.autoconfigure;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.deadletter.DeadLetters;
import dev.warren.jms.JmsWarrenEngine;
import dev.warren.spring.autoconfigure.internal.MixedTransports;
import dev.warren.spring.autoconfigure.internal.PropertiesConverter;
import dev.warren.spring.autoconfigure.internal.TransportsInUse;
import dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * RabbitMQ and a JMS provider in one application, when the configuration names both: each handler
 * runs on its queue's broker, and the one {@link Warren} publisher and {@link DeadLetters} bean route
 * each queue and topic to its broker.
 *
 * <pre>
 * warren:
 *   transport: rabbitmq              # the default for every queue and topic
 *   queues:
 *     legacy.invoices:
 *       transport: jms               # its handler consumes from the JMS provider; sends to it go there
 *   topics:
 *     ledger.posted:
 *       transport: jms               # publishes go to the JMS topic
 * </pre>
 *
 * <p>{@link WarrenAutoConfiguration} and {@link WarrenJmsAutoConfiguration} each build their engine
 * for their own queues; this configuration adds what spans both. The Actuator endpoint shows the
 * queues of both, and health has a {@code warren} (RabbitMQ) and a {@code warrenJms} component.
 *
 * @since 0.1
 */
@AutoConfiguration(before = {WarrenAutoConfiguration.class, WarrenJmsAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "warren.enabled", matchIfMissing = true)
@ConditionalOnClass(name = {"dev.warren.jms.JmsWarrenEngine", "org.springframework.amqp.rabbit.connection.ConnectionFactory"})
@Conditional(TransportsInUse.Both.class)
@EnableConfigurationProperties(WarrenProperties.class)
public class WarrenMixedTransportsAutoConfiguration {

    /*
     * The nested configurations repeat the outer condition: an application whose component scan
     * covers this package (as Warren's own test applications' does) picks them up on their own.
     */

    /**
     * The routing between the two engines.
     *
     * @param rabbit the RabbitMQ engine, looked up on first use
     * @param jms the JMS engine, looked up on first use
     * @param properties the warren.* properties
     * @param environment the environment, for queue entries whose names contain dots
     * @return the routing
     */
    @Bean
    MixedTransports warrenMixedTransports(ObjectProvider<WarrenEngine> rabbit, ObjectProvider<JmsWarrenEngine> jms,
            WarrenProperties properties, Environment environment) {
        return new MixedTransports(rabbit::getObject, () -> rabbit.getObject().warren(), jms::getObject,
                () -> jms.getObject().warren(), new PropertiesConverter(properties, environment));
    }

    /**
     * The publisher to inject wherever the application sends or publishes.
     *
     * @param transports the routing
     * @return a publisher that sends to each queue and publishes to each topic on its broker
     */
    @Bean
    Warren warren(MixedTransports transports) {
        return transports.warren();
    }

    /**
     * The dead-letter operations on the queues of both brokers.
     *
     * @param transports the routing
     * @return dead-letter operations routed by queue
     */
    @Bean
    DeadLetters warrenDeadLetters(MixedTransports transports) {
        return transports.deadLetters();
    }

    /** The warren Actuator endpoint over both engines. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @Conditional(TransportsInUse.Both.class)
    static class EndpointConfiguration {

        @Bean
        WarrenEndpoint warrenEndpoint(MixedTransports transports, WarrenProperties properties) {
            WarrenProperties.Operator operator = properties.getOperator();
            return new WarrenEndpoint(transports.operations(), operator.getRole(), operator.isAllowAnonymous());
        }
    }

    /** The JMS engine's health beside the RabbitMQ engine's {@code warren} component. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @Conditional(TransportsInUse.Both.class)
    static class HealthConfiguration {

        @Bean
        WarrenHealthIndicator warrenJmsHealthIndicator(JmsWarrenEngine jms) {
            return new WarrenHealthIndicator(jms);
        }
    }
}
