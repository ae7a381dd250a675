package dev.warren.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.publish.PublishOptions;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The transactional outbox on the real PostgreSQL and RabbitMQ. */
class OutboxIT {

    record OrderPlaced(String orderId, int step) {
    }

    static final class Ledger {
        final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        final List<String> order = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}")
        void record(OrderPlaced event, MessageContext context) {
            deliveries.merge(context.messageId(), 1, Integer::sum);
            order.add(event.orderId() + ":" + event.step());
        }
    }

    final String queue = RabbitBroker.uniqueName("it.outbox");
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("it_outbox");
    final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final Ledger ledger = new Ledger();
    final WarrenEngine engine;
    final TransactionTemplate transaction;
    final JdbcTemplate jdbc;
    final List<Outbox> outboxes = new CopyOnWriteArrayList<>();

    OutboxIT() {
        dataSource.setUrl(schema.jdbcUrl());
        engine = WarrenEngine.builder(connectionFactory).handlers(ledger).nameResolver(name -> name.replace("${queue}", queue))
                .build();
        engine.start();
        transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY)");
    }

    @AfterEach
    void close() {
        outboxes.forEach(Outbox::close);
        engine.close();
        cleanup.queues(engine.topology().queues().stream().map(QueueSpec::name).toList());
        cleanup.close();
        connectionFactory.destroy();
        schema.close();
    }

    Outbox outbox(OutboxSettings settings) {
        Outbox outbox = new Outbox(dataSource, engine.warren(), JsonMapper.builder().build(), settings);
        outbox.createTableIfMissing();
        outboxes.add(outbox);
        return outbox;
    }

    @Test
    void aRolledBackTransactionPublishesNothingAndACommittedOnePublishesWhatItWrote() {
        Outbox outbox = outbox(OutboxSettings.DEFAULTS);
        outbox.start();
        Warren warren = new TransactionalWarren(engine.warren(), outbox);

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO orders (id) VALUES ('o-1')");
            warren.send(queue, new OrderPlaced("o-1", 1), PublishOptions.builder().messageId("rolled-back").build());
            throw new IllegalStateException("payment declined");
        })).hasMessage("payment declined");
        transaction.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO orders (id) VALUES ('o-2')");
            warren.send(queue, new OrderPlaced("o-2", 1), PublishOptions.builder().messageId("committed-1").build());
            warren.send(queue, new OrderPlaced("o-2", 2), PublishOptions.builder().messageId("committed-2").build());
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.deliveries.size() == 2);
        assertThat(ledger.deliveries).containsOnlyKeys("committed-1", "committed-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.depth() == 0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(1);
        assertThat(outbox.lastPublishLag()).isNotNull();

        // Outside a transaction the publisher sends directly, as before.
        warren.send(queue, new OrderPlaced("o-3", 1), PublishOptions.builder().messageId("direct").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.deliveries.containsKey("direct"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM warren_outbox", Long.class)).isEqualTo(2);
    }

    @Test
    void aMessageCommittedBeforeTheProcessDiedIsPublishedByTheNextRelay() {
        // The first process commits and dies before its relay publishes: its relay never ran.
        Outbox first = outbox(OutboxSettings.DEFAULTS);
        transaction.executeWithoutResult(status -> new TransactionalWarren(engine.warren(), first).send(queue,
                new OrderPlaced("o-9", 1), PublishOptions.builder().messageId("survivor").build()));
        assertThat(first.depth()).isEqualTo(1);
        assertThat(first.oldestUnsentAge()).isPositive();

        Outbox restarted = outbox(OutboxSettings.DEFAULTS);
        restarted.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.deliveries.containsKey("survivor"));
        assertThat(ledger.deliveries).containsEntry("survivor", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> restarted.depth() == 0);
    }

    @Test
    void twoRelaysOnOneOutboxPublishEachOf10000MessagesOnceAndKeepEachKeysOrder() {
        Outbox writer = outbox(OutboxSettings.DEFAULTS);
        int messages = 10_000;
        transaction.executeWithoutResult(status -> {
            for (int i = 0; i < messages; i++) {
                String key = "order-" + (i % 50);
                writer.write(false, queue, new OrderPlaced(key, i / 50),
                        PublishOptions.builder().messageId("m-" + i).orderingKey(key).build());
            }
        });
        Outbox one = outbox(OutboxSettings.DEFAULTS.withBatchSize(100).withPollInterval(Duration.ofMillis(20)));
        Outbox two = outbox(OutboxSettings.DEFAULTS.withBatchSize(100).withPollInterval(Duration.ofMillis(20)));
        one.start();
        two.start();

        await().atMost(Duration.ofSeconds(90)).until(() -> ledger.deliveries.size() == messages);
        await().atMost(Duration.ofSeconds(10)).until(() -> one.depth() == 0);
        assertThat(ledger.deliveries.values()).containsOnly(1);
        assertThat(one.published() + two.published()).isEqualTo(messages);
        assertThat(one.published()).isPositive();
        assertThat(two.published()).isPositive();
        for (int key = 0; key < 50; key++) {
            String prefix = "order-" + key + ":";
            List<Integer> steps = ledger.order.stream().filter(entry -> entry.startsWith(prefix))
                    .map(entry -> Integer.parseInt(entry.substring(prefix.length()))).toList();
            assertThat(steps).as("steps of %s", prefix).isSorted().hasSize(messages / 50);
        }
    }
}
