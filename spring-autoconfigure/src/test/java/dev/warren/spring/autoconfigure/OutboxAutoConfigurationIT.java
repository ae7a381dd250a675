package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.JdbcInbox;
import dev.warren.outbox.Outbox;
import dev.warren.publish.PublishOptions;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** warren.outbox.enabled and warren.idempotency.store=inbox, in a Spring Boot application on PostgreSQL. */
class OutboxAutoConfigurationIT {

    record OrderPlaced(String orderId) {
    }

    static class Subscriber {
        final List<String> messageIds = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${test.queue}")
        void on(OrderPlaced event, MessageContext context) {
            messageIds.add(context.messageId());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Handlers {
        @Bean
        Subscriber subscriber() {
            return new Subscriber();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.outbox");
    final CachingConnectionFactory rabbit = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(rabbit);
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("it_boot_outbox");
    final ApplicationContextRunner runner = SharedBrokerRunners.warren(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, WarrenOutboxAutoConfiguration.class)
            .withUserConfiguration(Handlers.class)
            .withPropertyValues("test.queue=" + queue,
                    "spring.datasource.url=" + schema.jdbcUrl(), "warren.outbox.enabled=true",
                    "warren.outbox.poll-interval=200ms", "warren.idempotency.store=inbox")
            .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class);

    @AfterEach
    void cleanUp() {
        cleanup.close();
        rabbit.destroy();
        schema.close();
    }

    @Test
    void sendsInsideATransactionGoThroughTheOutboxAndARollbackSendsNothing() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Outbox.class);
            assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(JdbcInbox.class);
            cleanup.queues(context.getBean(WarrenEngine.class).topology().queues().stream().map(QueueSpec::name).toList());
            Warren warren = context.getBean(Warren.class);
            TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            jdbc.execute("CREATE TABLE orders (id VARCHAR(32) PRIMARY KEY)");

            assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO orders VALUES ('o-1')");
                warren.send(queue, new OrderPlaced("o-1"), PublishOptions.builder().messageId("never").build());
                throw new IllegalStateException("card declined");
            })).hasMessage("card declined");
            transaction.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO orders VALUES ('o-2')");
                warren.send(queue, new OrderPlaced("o-2"), PublishOptions.builder().messageId("placed-o-2").build());
            });

            Subscriber subscriber = context.getBean(Subscriber.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.messageIds.contains("placed-o-2"));
            assertThat(subscriber.messageIds).containsExactly("placed-o-2");
            var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("warren.outbox.depth").gauge().value() == 0.0);
            assertThat(registry.get("warren.outbox.published").functionCounter().count()).isEqualTo(1.0);
        });
    }

    /** Collects Warren's alerts, as an application would listen for them. */
    static class AlertLog {
        final List<dev.warren.monitor.Alert> alerts = new CopyOnWriteArrayList<>();

        @org.springframework.context.event.EventListener
        void on(dev.warren.monitor.Alert alert) {
            alerts.add(alert);
        }
    }

    @Test
    void anOutboxMessageLeftUnsentRaisesAnAlertInHealthAndTheEndpointThatClearsOnceItIsPublished() {
        String missing = RabbitBroker.uniqueName("it.boot.outbox.later");
        runner.withBean(AlertLog.class).withPropertyValues("warren.outbox.alert-after=500ms").run(context -> {
            assertThat(context).hasNotFailed();
            cleanup.queues(context.getBean(WarrenEngine.class).topology().queues().stream().map(QueueSpec::name).toList());
            cleanup.queue(missing);
            Warren warren = context.getBean(Warren.class);
            TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            // Written for a queue whose application has not declared it yet: the relay cannot publish it.
            transaction.executeWithoutResult(status -> warren.send(missing, new OrderPlaced("o-9"),
                    PublishOptions.builder().messageId("waits").build()));

            var health = context.getBean(dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator.class);
            WarrenEndpoint endpoint = context.getBean(WarrenEndpoint.class);
            AlertLog log = context.getBean(AlertLog.class);
            String alert = "OUTBOX_OLDEST_UNSENT warren_outbox";
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.alerts.isEmpty());
            assertThat(log.alerts).singleElement().satisfies(raised -> {
                assertThat(raised.kind()).isEqualTo(dev.warren.monitor.Alert.Kind.OUTBOX_OLDEST_UNSENT);
                assertThat(raised.raised()).isTrue();
            });
            assertThat(health.health().getDetails().get("alerts")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.iterable(String.class)).containsExactly(alert);
            assertThat(health.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
            assertThat(endpoint.overview().get("alerts")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.iterable(String.class)).containsExactly(alert);

            new org.springframework.amqp.rabbit.core.RabbitAdmin(rabbit).declareQueue(
                    new org.springframework.amqp.core.Queue(missing));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.alerts.size() == 2);
            assertThat(log.alerts.get(1).raised()).isFalse();
            assertThat(health.health().getDetails()).doesNotContainKey("alerts");
            assertThat(endpoint.overview().get("alerts")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.iterable(String.class)).isEmpty();
            assertThat(context.getBean(Outbox.class).depth()).isZero();
        });
    }
}
