package dev.warren.spring.autoconfigure;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.spring.autoconfigure.internal.HandlerBeans;
import dev.warren.spring.autoconfigure.internal.PropertiesConverter;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configures Warren on Spring Boot's RabbitMQ connection factory: the {@link Warren} publisher
 * to inject, and the {@link WarrenEngine} that declares the topology of every bean's
 * {@code @Consumer} and {@code @Subscribe} methods and runs their consumers with the application.
 * Annotation attributes may use placeholders: {@code @Consumer(queue = "${video.queue}")}.
 *
 * @since 0.1
 */
@AutoConfiguration(after = RabbitAutoConfiguration.class,
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({WarrenEngine.class, ConnectionFactory.class})
@ConditionalOnBean(ConnectionFactory.class)
@ConditionalOnProperty(prefix = "warren", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WarrenProperties.class)
public class WarrenAutoConfiguration {

    /**
     * The engine, shared by the publisher and the consumers; closed with the context.
     *
     * @param connectionFactory Spring Boot's RabbitMQ connection factory
     * @param properties the warren.* properties
     * @param jsonMapper the application's JSON mapper, when it has one
     * @param environment resolves placeholders in annotation attributes
     * @return the engine, started by the application context's lifecycle
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public WarrenEngine warrenEngine(ConnectionFactory connectionFactory, WarrenProperties properties,
            ObjectProvider<JsonMapper> jsonMapper, Environment environment) {
        WarrenEngine.Builder builder = WarrenEngine.builder(connectionFactory)
                .consumerDefaults(PropertiesConverter.consumerDefaults(properties))
                .consumerCustomizer(PropertiesConverter.consumerCustomizer(properties))
                .publisherSettings(PropertiesConverter.publisherSettings(properties))
                .nameResolver(environment::resolveRequiredPlaceholders);
        jsonMapper.ifAvailable(builder::jsonMapper);
        return builder.build();
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
     * Registers the handler beans and ties the engine to the context's lifecycle.
     *
     * @param beanFactory the bean factory to search for handlers
     * @param engine the engine
     * @param properties the warren.* properties
     * @return the lifecycle bean
     */
    @Bean
    HandlerBeans warrenHandlerBeans(ConfigurableListableBeanFactory beanFactory, WarrenEngine engine,
            WarrenProperties properties) {
        return new HandlerBeans(beanFactory, engine, properties);
    }
}
