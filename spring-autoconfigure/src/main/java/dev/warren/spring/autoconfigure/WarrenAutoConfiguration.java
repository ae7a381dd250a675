package dev.warren.spring.autoconfigure;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.deadletter.DeadLetters;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.spring.autoconfigure.internal.HandlerBeans;
import dev.warren.spring.autoconfigure.internal.IdempotencyStoreConfiguration;
import dev.warren.spring.autoconfigure.internal.ManagementApis;
import dev.warren.spring.autoconfigure.internal.PropertiesConverter;
import dev.warren.topology.ManagementApi;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configures Warren on Spring Boot's RabbitMQ connection factory: the {@link Warren} publisher
 * to inject, and the {@link WarrenEngine} that declares the topology of every bean's
 * {@code @Consumer} and {@code @Subscribe} methods and runs their consumers with the application.
 * Annotation attributes may use placeholders: {@code @Consumer(queue = "${video.queue}")}.
 *
 * <p>Idempotent handlers share one {@link IdempotencyStore}: an application bean of that type, or
 * the store {@code warren.idempotency.store} names (memory, redis or jdbc). Payloads marked
 * {@code @Valid} are checked with the application's Bean Validation validator.
 *
 * <p>Active unless {@code warren.transport} is {@code jms}, and then still for the queues whose
 * {@code warren.queues.<name>.transport} is {@code rabbitmq}; {@link WarrenJmsAutoConfiguration}
 * runs the other handlers on a JMS provider.
 *
 * @since 0.1
 */
@AutoConfiguration(after = RabbitAutoConfiguration.class, afterName = {
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration"})
@ConditionalOnClass({WarrenEngine.class, ConnectionFactory.class})
@ConditionalOnBean(ConnectionFactory.class)
@ConditionalOnProperty(prefix = "warren", name = "enabled", matchIfMissing = true)
@Conditional(dev.warren.spring.autoconfigure.internal.TransportsInUse.RabbitMq.class)
@EnableConfigurationProperties(WarrenProperties.class)
@Import({dev.warren.spring.autoconfigure.internal.ConsoleConfiguration.class, IdempotencyStoreConfiguration.class})
public class WarrenAutoConfiguration {

    /**
     * The converter of the warren.* properties into Warren's settings.
     *
     * @param properties the bound properties
     * @param environment the environment, for queue entries whose names contain dots
     * @return the converter
     */
    @Bean
    @ConditionalOnMissingBean
    PropertiesConverter warrenPropertiesConverter(WarrenProperties properties, Environment environment) {
        return new PropertiesConverter(properties, environment);
    }

    /**
     * The engine, shared by the publisher and the consumers; closed with the context.
     *
     * @param connectionFactory Spring Boot's RabbitMQ connection factory
     * @param converter the warren.* properties as settings
     * @param jsonMapper the application's JSON mapper, when it has one
     * @param idempotencyStore the store of idempotent handlers
     * @param beanFactory where the application's Bean Validation validator is, when it has one
     * @param environment resolves placeholders in annotation attributes
     * @param properties the warren.* properties
     * @param rabbitProperties the spring.rabbitmq.* properties, for the management API's defaults
     * @param rabbitConnection the connection Spring Boot's factory was built from: its host,
     *     credentials and SSL bundle are the management API's defaults
     * @param sslBundles the SSL bundles, for warren.management.ssl.bundle
     * @param events where queue alerts are published, as {@code dev.warren.monitor.Alert} events
     * @param observations the application's observation registry, for timers and tracing
     * @param deliveryListeners the application's delivery listeners, such as warren-test's harness; all of them hear each message
     * @return the engine, started by the application context's lifecycle
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public WarrenEngine warrenEngine(ConnectionFactory connectionFactory, PropertiesConverter converter,
            ObjectProvider<JsonMapper> jsonMapper, IdempotencyStore idempotencyStore,
            ConfigurableListableBeanFactory beanFactory, Environment environment, WarrenProperties properties,
            ObjectProvider<RabbitProperties> rabbitProperties, ObjectProvider<RabbitConnectionDetails> rabbitConnection,
            ObjectProvider<SslBundles> sslBundles, org.springframework.context.ApplicationEventPublisher events,
            ObjectProvider<io.micrometer.observation.ObservationRegistry> observations,
            ObjectProvider<dev.warren.consumer.DeliveryListener> deliveryListeners) {
        WarrenEngine.Builder builder = WarrenEngine.builder(connectionFactory)
                .timeScale(properties.getTimeScale())
                .shutdownTimeout(properties.getShutdownTimeout())
                .deliveryListener(dev.warren.consumer.DeliveryListener.composite(deliveryListeners.orderedStream().toList()))
                .consumerDefaults(converter.consumerDefaults())
                .consumerCustomizer(converter.consumerCustomizer())
                .publisherSettings(converter.publisherSettings())
                .circuitBreakerDefaults(converter.breakerDefaults())
                .circuitBreakerResolver(converter.breakerResolver())
                .queueArguments(converter.queueArguments())
                .alertSettings(converter.alertSettings())
                .alertListener(events::publishEvent)
                .circuitBreakerListener(events::publishEvent)
                .declare(converter.declarations(converter.consumerDefaults().queueType()))
                .idempotencyStore(idempotencyStore)
                .idempotencyStores(new dev.warren.spring.autoconfigure.internal.IdempotencyStores(beanFactory,
                        properties.getIdempotency()))
                .topologyMode(properties.getTopology().getDeclare())
                .nameResolver(environment::resolveRequiredPlaceholders)
                .consumerFilter(name -> converter.queueTransport(name) == WarrenProperties.Transport.RABBITMQ);
        jsonMapper.ifAvailable(builder::jsonMapper);
        observations.ifAvailable(builder::observationRegistry);
        ManagementApis.warnAboutUnverifiedTls(rabbitProperties.getIfAvailable(), rabbitConnection.getIfAvailable());
        // Passive topology mode reads the topology through the API even when the policy check is off.
        ManagementApi managementApi = ManagementApis.resolve(properties.getManagement(), rabbitProperties.getIfAvailable(),
                rabbitConnection.getIfAvailable(), sslBundles.getIfAvailable(),
                properties.getTopology().getDeclare() == dev.warren.topology.TopologyMode.PASSIVE);
        if (managementApi != null) {
            builder.managementApi(managementApi);
        }
        if (org.springframework.util.ClassUtils.isPresent("jakarta.validation.Validator", getClass().getClassLoader())) {
            BeanValidators.useApplicationValidator(builder, beanFactory);
        }
        RabbitProperties rabbit = rabbitProperties.getIfAvailable();
        if (rabbit != null) {
            org.springframework.util.unit.DataSize inbound = rabbit.getMaxInboundMessageBodySize();
            long inboundLimit = inbound != null ? inbound.toBytes() : CLIENT_MAX_INBOUND_BODY_SIZE;
            dev.warren.consumer.ConsumerCustomizer fromProperties = converter.consumerCustomizer();
            // Handlers register as their beans are created: each one's settings are checked then.
            builder.consumerCustomizer((name, settings) -> checkInboundLimit(name, fromProperties.customize(name, settings),
                    inboundLimit));
        }
        return builder.build();
    }

    /** What the RabbitMQ Java client reads at most when nothing sets its limit: 64 MiB. */
    private static final long CLIENT_MAX_INBOUND_BODY_SIZE = 67_108_864;

    /**
     * Fails start-up when a handler accepts larger bodies than the RabbitMQ client reads: the client
     * closes the connection on such a delivery before Warren sees it, so a message between the two
     * limits would be redelivered instead of dead-lettered with its reason.
     */
    private static dev.warren.consumer.ConsumerSettings checkInboundLimit(String name,
            dev.warren.consumer.ConsumerSettings settings, long inboundLimit) {
        long limit = settings.limits().maxMessageSize();
        if (limit > inboundLimit) {
            throw new dev.warren.WarrenException(String.format(java.util.Locale.ROOT, "warren.queues.%s.max-message-size "
                    + "(or warren.defaults.max-message-size) is %,d bytes, more than the %,d bytes of "
                    + "spring.rabbitmq.max-inbound-message-body-size: the RabbitMQ client would close the connection on "
                    + "a message between the two instead of letting Warren dead-letter it; lower the first or raise "
                    + "the second", name, limit, inboundLimit));
        }
        return settings;
    }

    /**
     * The publisher to inject wherever the application sends or publishes.
     *
     * @param engine the engine
     * @return the engine's publisher
     */
    @Bean
    @ConditionalOnMissingBean
    public Warren warren(WarrenEngine engine) {
        return engine.warren();
    }

    /**
     * The dead-letter operations on the engine's queues, to inject where the application looks at,
     * replays or discards failed messages whatever the transport.
     *
     * @param engine the engine
     * @return the engine's dead-letter operations
     */
    @Bean
    @ConditionalOnMissingBean
    public DeadLetters warrenDeadLetters(WarrenEngine engine) {
        return engine.deadLetters();
    }

    /**
     * Registers the handler beans and ties the engine to the context's lifecycle.
     *
     * @param beanFactory the bean factory to search for handlers
     * @param engine the engine
     * @param converter the warren.* properties as settings
     * @return the lifecycle bean
     */
    @Bean
    HandlerBeans warrenHandlerBeans(ConfigurableListableBeanFactory beanFactory, WarrenEngine engine,
            PropertiesConverter converter) {
        return new HandlerBeans(beanFactory, engine, converter);
    }

    /** Warren's health, when Spring Boot's health support is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "warrenHealthIndicator")
        dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator warrenHealthIndicator(WarrenEngine engine,
                ObjectProvider<dev.warren.monitor.AlertSource> alertSources) {
            return new dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator(engine,
                    () -> alertSources.orderedStream().toList());
        }
    }

    /** The warren Actuator endpoint, when Actuator is present; exposed only as the application decides. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        WarrenEndpoint warrenEndpoint(WarrenEngine engine, ConnectionFactory connectionFactory, WarrenProperties properties,
                ObjectProvider<dev.warren.monitor.AlertSource> alertSources) {
            WarrenProperties.Operator operator = properties.getOperator();
            return new WarrenEndpoint(engine, connectionFactory, () -> alertSources.orderedStream().toList(),
                    operator.getRole(), operator.isAllowAnonymous());
        }
    }

    /** Warren's meters, when Micrometer is present: registered once the consumers run. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {

        @Bean
        static org.springframework.beans.factory.SmartInitializingSingleton warrenMeters(
                ObjectProvider<HandlerBeans> handlerBeans, ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
            return () -> handlerBeans.ifAvailable(beans -> beans.onStarted(
                    engine -> registry.forEach(meters -> dev.warren.spring.autoconfigure.internal.WarrenMeters.bind(engine, meters))));
        }
    }

    /** Keeps Jakarta Validation types out of the configuration's signatures, so it stays optional. */
    static final class BeanValidators {

        private BeanValidators() {
        }

        static void useApplicationValidator(WarrenEngine.Builder builder, ConfigurableListableBeanFactory beanFactory) {
            beanFactory.getBeanProvider(jakarta.validation.Validator.class).ifUnique(builder::validator);
        }
    }
}
