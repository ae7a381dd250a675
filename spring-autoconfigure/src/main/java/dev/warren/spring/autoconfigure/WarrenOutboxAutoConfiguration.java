package dev.warren.spring.autoconfigure;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxSettings;
import dev.warren.outbox.TransactionalWarren;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox on RabbitMQ, with {@code warren.outbox.enabled=true}: the application's
 * {@link Warren} writes to the outbox inside Spring transactions on its {@link DataSource} and
 * publishes directly outside them; the relay runs while the application runs.
 */
@AutoConfiguration(before = WarrenAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(name = {"org.springframework.jdbc.datasource.DataSourceUtils", "javax.sql.DataSource"})
@ConditionalOnBooleanProperty(name = "warren.outbox.enabled")
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(prefix = "warren", name = "transport", havingValue = "rabbitmq",
        matchIfMissing = true)
@EnableConfigurationProperties(WarrenOutboxProperties.class)
public class WarrenOutboxAutoConfiguration {

    /**
     * The outbox and its relay, started with the application and closed with it.
     *
     * @param dataSource the application's database
     * @param engine the RabbitMQ engine, whose confirming publisher the relay uses
     * @param jsonMapper the application's JSON mapper, when it has one
     * @param properties warren.outbox.*
     * @param events where the outbox's alert is published, as a {@code dev.warren.monitor.Alert} event
     * @return the outbox
     */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    Outbox warrenOutbox(DataSource dataSource, WarrenEngine engine, ObjectProvider<JsonMapper> jsonMapper,
            WarrenOutboxProperties properties, org.springframework.context.ApplicationEventPublisher events) {
        Outbox outbox = new Outbox(dataSource, engine.warren(), jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
                new OutboxSettings(properties.getTable(), properties.getPollInterval(), properties.getBatchSize(),
                        properties.getRetention(), properties.getAlertAfter()), events::publishEvent);
        if (properties.isCreateTable()) {
            outbox.createTableIfMissing();
        }
        return outbox;
    }

    /**
     * The publisher the application injects: through the outbox inside transactions.
     *
     * @param engine the RabbitMQ engine
     * @param outbox the outbox
     * @return the publisher
     */
    @Bean
    @ConditionalOnMissingBean
    Warren warren(WarrenEngine engine, Outbox outbox) {
        return new TransactionalWarren(engine.warren(), outbox);
    }

    /** The outbox's meters, when Micrometer is present; its oldest unsent message's age is the one to alert on. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class OutboxMetricsConfiguration {

        @Bean
        static org.springframework.beans.factory.SmartInitializingSingleton warrenOutboxMeters(ObjectProvider<Outbox> outbox,
                ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
            return () -> outbox.ifAvailable(box -> registry.forEach(meters -> {
                io.micrometer.core.instrument.Gauge.builder("warren.outbox.depth", box, Outbox::depth)
                        .description("messages written and not yet published").register(meters);
                io.micrometer.core.instrument.Gauge.builder("warren.outbox.oldest.age", box,
                        b -> b.oldestUnsentAge().toMillis() / 1000.0)
                        .description("seconds the oldest unsent message has waited").baseUnit("seconds").register(meters);
                io.micrometer.core.instrument.Gauge.builder("warren.outbox.publish.lag", box,
                        b -> b.lastPublishLag() == null ? 0 : b.lastPublishLag().toMillis() / 1000.0)
                        .description("seconds from write to publish of the last message relayed").baseUnit("seconds")
                        .register(meters);
                io.micrometer.core.instrument.FunctionCounter.builder("warren.outbox.published", box, Outbox::published)
                        .description("messages the relay published").register(meters);
            }));
        }
    }
}
