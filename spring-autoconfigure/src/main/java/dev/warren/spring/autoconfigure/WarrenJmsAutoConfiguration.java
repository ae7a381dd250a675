package dev.warren.spring.autoconfigure;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.deadletter.DeadLetters;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.jms.JmsWarrenEngine;
import dev.warren.jms.RetryDelivery;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.spring.autoconfigure.internal.DeferredWarren;
import dev.warren.spring.autoconfigure.internal.HandlerBeans;
import dev.warren.spring.autoconfigure.internal.IdempotencyStoreConfiguration;
import dev.warren.spring.autoconfigure.internal.IdempotencyStores;
import dev.warren.spring.autoconfigure.internal.JmsEngineLifecycle;
import dev.warren.spring.autoconfigure.internal.PropertiesConverter;
import dev.warren.spring.autoconfigure.internal.TransportsInUse;
import io.micrometer.observation.ObservationRegistry;
import jakarta.jms.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configures Warren on a JMS provider when {@code warren.transport=jms}, or for the queues
 * and topics whose {@code warren.queues.<name>.transport} or {@code warren.topics.<topic>.transport}
 * is {@code jms} (see {@link WarrenMixedTransportsAutoConfiguration}): the same
 * {@code @Consumer} and {@code @Subscribe} methods, the {@link Warren} publisher and the
 * {@link DeadLetters} operations as on RabbitMQ, through {@link JmsWarrenEngine} on the
 * application's {@code jakarta.jms.ConnectionFactory} (Spring Boot's ActiveMQ Artemis one, or any
 * provider's bean). {@link WarrenAutoConfiguration} backs off unless some queues stay on RabbitMQ.
 *
 * <pre>
 * warren:
 *   transport: jms
 *   jms:
 *     retry-delivery: delay-queues   # or delivery-delay
 * </pre>
 *
 * <p>{@code warren.defaults.*}, {@code warren.queues.<name>.*}, {@code warren.circuit-breakers.*}
 * and {@code warren.idempotency.*} apply as on RabbitMQ; the RabbitMQ-only settings (queue types
 * and arguments, declarations, publisher channels, alerts, the management API) are ignored. The
 * application needs {@code dev.warren:warren-jms} and a provider on its class path, and start-up
 * fails naming what is missing otherwise.
 *
 * <p>The engine is built from the handler beans, so a handler must not inject
 * {@link JmsWarrenEngine} or {@link DeadLetters}; {@link Warren} it may, as that bean reaches the
 * engine on first use. The engine starts and stops with the application context.
 *
 * @since 0.1
 */
@AutoConfiguration(after = WarrenAutoConfiguration.class, afterName = {
        "org.springframework.boot.artemis.autoconfigure.ArtemisAutoConfiguration",
        "org.springframework.boot.jms.autoconfigure.JndiConnectionFactoryAutoConfiguration",
        "org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "warren.enabled", matchIfMissing = true)
@Conditional(TransportsInUse.Jms.class)
@EnableConfigurationProperties(WarrenProperties.class)
public class WarrenJmsAutoConfiguration {

    private static final String ENGINE_CLASS = "dev.warren.jms.JmsWarrenEngine";

    private static final String CONNECTION_FACTORY_CLASS = "jakarta.jms.ConnectionFactory";

    /*
     * The nested configurations repeat the outer conditions: an application whose component scan
     * covers this package (as Warren's own test applications' does) picks them up on their own.
     */

    /** The engine and its beans, when warren-jms is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "warren.enabled", matchIfMissing = true)
    @Conditional(TransportsInUse.Jms.class)
    @ConditionalOnClass(name = {ENGINE_CLASS, CONNECTION_FACTORY_CLASS})
    @Import(IdempotencyStoreConfiguration.class)
    static class EngineConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PropertiesConverter warrenPropertiesConverter(WarrenProperties properties, Environment environment) {
            return new PropertiesConverter(properties, environment);
        }

        /**
         * The engine, with every handler bean of the context; closed with the context.
         *
         * @param connectionFactories the application's JMS connection factory: the only or the primary one
         * @param converter the warren.* properties as settings
         * @param jsonMapper the application's JSON mapper, when it has one
         * @param idempotencyStore the store of idempotent handlers
         * @param beanFactory where the handler beans and the Bean Validation validator are
         * @param environment resolves placeholders in annotation attributes
         * @param properties the warren.* properties
         * @param events where circuit breaker transitions are published
         * @param observations the application's observation registry, for timers and tracing
         * @param deliveryListeners the application's delivery listeners; all of them hear each message
         * @return the engine, started by the application context's lifecycle
         */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        JmsWarrenEngine jmsWarrenEngine(ObjectProvider<ConnectionFactory> connectionFactories, PropertiesConverter converter,
                ObjectProvider<JsonMapper> jsonMapper, IdempotencyStore idempotencyStore,
                ConfigurableListableBeanFactory beanFactory, Environment environment, WarrenProperties properties,
                ApplicationEventPublisher events, ObjectProvider<ObservationRegistry> observations,
                ObjectProvider<dev.warren.consumer.DeliveryListener> deliveryListeners) {
            // Checked here rather than with @ConditionalOnBean: with warren.transport=jms and no
            // connection factory, the application must not start without its consumers.
            ConnectionFactory connectionFactory = connectionFactories.getIfUnique();
            if (connectionFactory == null) {
                throw new WarrenException("warren.transport: jms needs one jakarta.jms.ConnectionFactory bean (or a "
                        + "primary one) but there are " + connectionFactories.stream().count() + "; add a JMS provider "
                        + "such as spring-boot-starter-artemis (with spring.artemis.*), or define the bean");
            }
            JmsWarrenEngine.Builder builder = JmsWarrenEngine.builder(listenerConnectionFactory(connectionFactory))
                    .timeScale(properties.getTimeScale())
                    .deliveryListener(dev.warren.consumer.DeliveryListener.composite(deliveryListeners.orderedStream().toList()))
                    .consumerDefaults(converter.consumerDefaults())
                    .consumerCustomizer(converter.consumerCustomizer())
                    .circuitBreakerDefaults(converter.breakerDefaults())
                    .circuitBreakerListener(events::publishEvent)
                    .idempotencyStore(idempotencyStore)
                    .idempotencyStores(new IdempotencyStores(beanFactory, properties.getIdempotency()))
                    .retryDelivery(RetryDelivery.valueOf(properties.getJms().getRetryDelivery().name()))
                    .nameResolver(environment::resolveRequiredPlaceholders)
                    .consumerFilter(name -> converter.queueTransport(name) == WarrenProperties.Transport.JMS);
            for (String name : converter.configuredBreakerNames()) {
                CircuitBreakerSettings settings = converter.breakerResolver().apply(name);
                if (settings != null) {
                    builder.circuitBreaker(name, settings);
                }
            }
            jsonMapper.ifAvailable(builder::jsonMapper);
            observations.ifAvailable(builder::observationRegistry);
            if (ClassUtils.isPresent("jakarta.validation.Validator", getClass().getClassLoader())) {
                BeanValidators.useApplicationValidator(builder, beanFactory);
            }
            HandlerBeans.find(beanFactory).forEach(handler -> builder.handler(handler.bean(), handler.annotatedType()));
            return builder.build();
        }

        /**
         * The publisher to inject wherever the application sends or publishes.
         *
         * @param engine the engine, looked up on the first send, so that handlers may inject the publisher
         * @return the engine's publisher
         */
        @Bean
        @ConditionalOnMissingBean
        Warren warren(ObjectProvider<JmsWarrenEngine> engine) {
            return new DeferredWarren(() -> engine.getObject().warren());
        }

        /**
         * The dead-letter operations on the engine's queues.
         *
         * @param engine the engine
         * @return the engine's dead-letter operations
         */
        @Bean
        @ConditionalOnMissingBean
        DeadLetters warrenDeadLetters(JmsWarrenEngine engine) {
            return engine.deadLetters();
        }

        @Bean
        JmsEngineLifecycle warrenJmsLifecycle(JmsWarrenEngine engine, PropertiesConverter converter) {
            return new JmsEngineLifecycle(engine, converter);
        }

        /** Warren's health on JMS, when Spring Boot's health support is present. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
        static class JmsHealthConfiguration {

            @Bean
            @ConditionalOnMissingBean(name = "warrenHealthIndicator")
            dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator warrenHealthIndicator(JmsWarrenEngine engine) {
                return new dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator(engine);
            }
        }

        /** The warren Actuator endpoint on JMS: the same dead-letter operations as on RabbitMQ. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
        static class JmsEndpointConfiguration {

            @Bean
            @ConditionalOnMissingBean
            WarrenEndpoint warrenEndpoint(JmsWarrenEngine engine, WarrenProperties properties) {
                WarrenProperties.Operator operator = properties.getOperator();
                return new WarrenEndpoint(engine, operator.getRole(), operator.isAllowAnonymous());
            }
        }

        /** Warren's meters on JMS, when Micrometer is present: registered once the consumers run. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
        static class JmsMetricsConfiguration {

            @Bean
            static org.springframework.context.ApplicationListener<org.springframework.context.event.ContextRefreshedEvent>
                    warrenJmsMeters(ObjectProvider<JmsWarrenEngine> engine,
                            ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
                // After the refresh the lifecycle has started the consumers, whose queues the meters are tagged with.
                java.util.concurrent.atomic.AtomicBoolean bound = new java.util.concurrent.atomic.AtomicBoolean();
                return event -> {
                    if (bound.compareAndSet(false, true)) {
                        engine.ifAvailable(jms -> registry.forEach(
                                meters -> dev.warren.spring.autoconfigure.internal.WarrenMeters.bind(jms, meters)));
                    }
                };
            }
        }

        /**
         * The provider's own factory behind Spring's caching one (Spring Boot's default): the
         * consumers' listener containers need connections and consumers of their own, which the
         * caching factory would share and keep open past their stop. Spring Boot unwraps it for its
         * own listener containers the same way; Warren's publisher caches sessions itself.
         */
        private static ConnectionFactory listenerConnectionFactory(ConnectionFactory connectionFactory) {
            if (connectionFactory instanceof CachingConnectionFactory caching && caching.getTargetConnectionFactory() != null) {
                return caching.getTargetConnectionFactory();
            }
            return connectionFactory;
        }
    }

    /** Fails start-up when warren-jms is missing, rather than leaving the application without Warren. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "warren.enabled", matchIfMissing = true)
    @Conditional(TransportsInUse.Jms.class)
    @ConditionalOnMissingClass(ENGINE_CLASS)
    static class MissingJmsConfiguration {

        @Bean
        Warren warren() {
            throw new WarrenException("warren.transport: jms needs dev.warren:warren-jms on the class path; add it and "
                    + "a JMS provider such as spring-boot-starter-artemis, or set warren.transport: rabbitmq");
        }
    }

    /** Keeps Jakarta Validation types out of the configuration's signatures, so it stays optional. */
    static final class BeanValidators {

        private BeanValidators() {
        }

        static void useApplicationValidator(JmsWarrenEngine.Builder builder, ConfigurableListableBeanFactory beanFactory) {
            beanFactory.getBeanProvider(jakarta.validation.Validator.class).ifUnique(builder::validator);
        }
    }
}
