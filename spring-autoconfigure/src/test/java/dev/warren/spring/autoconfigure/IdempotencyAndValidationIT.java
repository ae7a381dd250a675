package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.idempotency.JdbcIdempotencyStore;
import dev.warren.idempotency.RedisIdempotencyStore;
import dev.warren.publish.PublishOptions;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.test.RedisServer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** The idempotency store YAML selects, and Bean Validation with the application's validator. */
class IdempotencyAndValidationIT {

    record Charge(@NotBlank String orderId) {
    }

    static class Payments {
        final AtomicInteger charged = new AtomicInteger();

        @Consumer(queue = "${test.queue}", idempotent = true, retry = @dev.warren.annotation.Retry(maxAttempts = 1))
        void charge(@Valid Charge charge) {
            charged.incrementAndGet();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.payments");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue).queue(queue + ".retry.1s");

    final ApplicationContextRunner runner = SharedBrokerRunners.warren(ValidationAutoConfiguration.class, DataRedisAutoConfiguration.class)
            .withBean(Payments.class)
            .withPropertyValues("test.queue=" + queue, "spring.data.redis.host=" + RedisServer.get().host(), "spring.data.redis.port=" + RedisServer.get().port());

    @AfterEach
    void cleanUp() {
        cleanup.close();
        admin.destroy();
    }

    private void assertDeduplicatesAndValidates(org.springframework.context.ApplicationContext context) {
        Warren warren = context.getBean(Warren.class);
        Payments payments = context.getBean(Payments.class);
        PublishOptions sameId = PublishOptions.builder().messageId(RabbitBroker.uniqueName("charge")).build();
        warren.send(queue, new Charge("o-1"), sameId);
        warren.send(queue, new Charge("o-1"), sameId);
        warren.send(queue, new Charge(""));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var stats = context.getBean(WarrenEngine.class).consumerStats().get(queue);
            return stats.duplicates() == 1 && stats.deadLettered() == 1;
        });
        assertThat(payments.charged).hasValue(1);
        Message dead = new RabbitTemplate(admin).receive(queue + ".dlq", 5_000);
        assertThat(dead).isNotNull();
        assertThat(String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message")))
                .contains("orderId must not be blank");
        assertThat(dead.getMessageProperties().getHeaders()).containsEntry("x-warren-failure-class", "permanent");
    }

    private static void assertKeysInRedisAndDeleteThem(org.springframework.context.ApplicationContext context, String prefix) {
        var redis = context.getBean(org.springframework.data.redis.core.StringRedisTemplate.class);
        var keys = redis.keys(prefix + "*");
        assertThat(keys).isNotEmpty();
        redis.delete(keys);
    }

    @Test
    void theInMemoryStoreIsTheDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(InMemoryIdempotencyStore.class);
            assertDeduplicatesAndValidates(context);
        });
    }

    @Test
    void theRedisStoreUsesTheApplicationsRedisConnection() {
        String prefix = RedisServer.uniquePrefix("it-boot");
        runner.withPropertyValues("warren.idempotency.store=redis", "warren.idempotency.redis-key-prefix=" + prefix)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(RedisIdempotencyStore.class);
                    assertDeduplicatesAndValidates(context);
                    assertKeysInRedisAndDeleteThem(context, prefix);
                });
    }

    @Test
    void aQueueCanUseItsOwnStore() {
        String prefix = RedisServer.uniquePrefix("it-boot-queue");
        runner.withPropertyValues("warren.queues." + queue + ".idempotency.store=redis",
                        "warren.idempotency.redis-key-prefix=" + prefix)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(InMemoryIdempotencyStore.class);
                    assertDeduplicatesAndValidates(context);
                    assertKeysInRedisAndDeleteThem(context, prefix);
                });
    }

    @Test
    void theJdbcStoreCreatesItsTableInTheApplicationsDatabase() {
        try (PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("it_boot")) {
            runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                    .withPropertyValues("warren.idempotency.store=jdbc", "spring.datasource.url=" + schema.jdbcUrl())
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(JdbcIdempotencyStore.class);
                        assertDeduplicatesAndValidates(context);
                        var jdbc = new org.springframework.jdbc.core.JdbcTemplate(context.getBean(javax.sql.DataSource.class));
                        assertThat(jdbc.queryForObject("SELECT count(*) FROM warren_idempotency", Integer.class)).isEqualTo(1);
                    });
        }
    }

    @Test
    void anApplicationStoreBeanWins() {
        runner.withBean(IdempotencyStore.class, () -> new InMemoryIdempotencyStore(5, java.time.Clock.systemUTC()))
                .withPropertyValues("warren.idempotency.store=redis")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(IdempotencyStore.class));
    }

    @Test
    void theJdbcStoreWithoutADataSourceFailsStartUpSayingWhatToAdd() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, WarrenAutoConfiguration.class))
                .withPropertyValues("spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(),
                        "warren.idempotency.store=jdbc")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                            "warren.idempotency.store: jdbc needs a DataSource");
                });
    }
}
