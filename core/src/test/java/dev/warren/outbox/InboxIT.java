package dev.warren.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.idempotency.JdbcInbox;
import dev.warren.publish.PublishOptions;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/** The inbox: a handler's database effect happens once per message, however often it is delivered. */
class InboxIT {

    record Charge(String orderId, int cents) {
    }

    static final class Billing {
        final JdbcTemplate jdbc;
        final AtomicInteger attempts = new AtomicInteger();

        Billing(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Consumer(queue = "${queue}", idempotent = true, retry = @Retry(maxAttempts = 3, backoff = "100ms"))
        void charge(Charge charge, MessageContext context) {
            attempts.incrementAndGet();
            jdbc.update("INSERT INTO charges (order_id, cents, attempt) VALUES (?, ?, ?)", charge.orderId(), charge.cents(),
                    context.attempt());
            if (charge.orderId().startsWith("flaky") && context.attempt() == 1) {
                // The row above was written: the rollback must take it back with the inbox key.
                throw new IllegalStateException("the ledger timed out after writing");
            }
        }
    }

    final String queue = RabbitBroker.uniqueName("it.inbox");
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("it_inbox");
    final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final JdbcTemplate jdbc;
    final Billing billing;
    final WarrenEngine engine;

    InboxIT() {
        dataSource.setUrl(schema.jdbcUrl());
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE charges (order_id VARCHAR(64), cents INT, attempt INT)");
        JdbcInbox inbox = new JdbcInbox(dataSource);
        inbox.createTableIfMissing();
        billing = new Billing(jdbc);
        engine = WarrenEngine.builder(connectionFactory).handlers(billing).idempotencyStore(inbox)
                .nameResolver(name -> name.replace("${queue}", queue)).build();
        engine.start();
    }

    @AfterEach
    void close() {
        engine.close();
        cleanup.queues(engine.topology().queues().stream().map(QueueSpec::name).toList());
        cleanup.close();
        connectionFactory.destroy();
        schema.close();
    }

    @Test
    void aRedeliveredMessagesDatabaseEffectHappensOnce() {
        for (int i = 0; i < 3; i++) {
            engine.warren().send(queue, new Charge("order-1", 1250), PublishOptions.builder().messageId("charge-1").build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.consumerStats().get(queue).duplicates() == 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM charges WHERE order_id = 'order-1'", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM warren_inbox", Long.class)).isEqualTo(1);
    }

    @Test
    void aFailedAttemptRollsBackItsWorkAndItsKeySoTheRetryStartsClean() {
        engine.warren().send(queue, new Charge("flaky-2", 990), PublishOptions.builder().messageId("charge-2").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.consumerStats().get(queue).processed() == 1);
        assertThat(billing.attempts).hasValue(2);
        assertThat(jdbc.queryForList("SELECT attempt FROM charges WHERE order_id = 'flaky-2'", Integer.class)).containsExactly(2);

        engine.warren().send(queue, new Charge("flaky-2", 990), PublishOptions.builder().messageId("charge-2").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.consumerStats().get(queue).duplicates() == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM charges", Long.class)).isEqualTo(1);
    }
}
