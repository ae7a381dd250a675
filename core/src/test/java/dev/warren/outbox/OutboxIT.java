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

    @Test
    void aKeysMessagesArePublishedByTheRelayNeverOnThePublishersConfirmThread() {
        // Waiting for a permit or for a blocked broker on the one confirm thread would stall every confirm.
        ThreadRecorder publisher = new ThreadRecorder(engine.warren());
        Outbox outbox = new Outbox(dataSource, publisher, JsonMapper.builder().build(), OutboxSettings.DEFAULTS);
        outbox.createTableIfMissing();
        outboxes.add(outbox);
        for (int step = 0; step < 5; step++) {
            outbox.write(false, queue, new OrderPlaced("order-7", step),
                    PublishOptions.builder().messageId("keyed-" + step).orderingKey("order-7").build());
        }

        assertThat(outbox.relayOnce()).isEqualTo(5);

        assertThat(publisher.names).hasSize(5).containsOnly(Thread.currentThread().getName());
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.order.size() == 5);
        assertThat(ledger.order).containsExactly("order-7:0", "order-7:1", "order-7:2", "order-7:3", "order-7:4");
    }

    /** A publisher whose blocking sends wait for its asynchronous ones, which the tests' publishers decorate. */
    abstract static class AsyncWarren implements Warren {

        @Override
        public dev.warren.publish.PublishReceipt send(String queue, Object payload, PublishOptions options) {
            return sendAsync(queue, payload, options).join();
        }

        @Override
        public dev.warren.publish.PublishReceipt publish(String topic, Object event, PublishOptions options) {
            return publishAsync(topic, event, options).join();
        }
    }

    /** A publisher that records the thread of each publish. */
    static final class ThreadRecorder extends AsyncWarren {

        final Warren broker;
        final List<String> names = new CopyOnWriteArrayList<>();

        ThreadRecorder(Warren broker) {
            this.broker = broker;
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.warren.publish.PublishReceipt> sendAsync(String queue, Object payload,
                PublishOptions options) {
            names.add(Thread.currentThread().getName());
            return broker.sendAsync(queue, payload, options);
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.warren.publish.PublishReceipt> publishAsync(String topic, Object event,
                PublishOptions options) {
            names.add(Thread.currentThread().getName());
            return broker.publishAsync(topic, event, options);
        }
    }

    /** A publisher that cannot reach the broker until it is repaired: the relay of a broken application. */
    static final class Unreachable extends AsyncWarren {

        final Warren broker;
        volatile boolean repaired;

        Unreachable(Warren broker) {
            this.broker = broker;
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.warren.publish.PublishReceipt> sendAsync(String queue, Object payload,
                PublishOptions options) {
            return repaired ? broker.sendAsync(queue, payload, options) : unreachable(options);
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.warren.publish.PublishReceipt> publishAsync(String topic, Object event,
                PublishOptions options) {
            return repaired ? broker.publishAsync(topic, event, options) : unreachable(options);
        }

        private static java.util.concurrent.CompletableFuture<dev.warren.publish.PublishReceipt> unreachable(PublishOptions options) {
            return java.util.concurrent.CompletableFuture.failedFuture(new dev.warren.publish.PublishException(
                    dev.warren.publish.PublishException.Reason.CONNECTION_LOST, String.valueOf(options.messageId()),
                    "the broker is unreachable", null));
        }
    }

    @Test
    void aMessageUnsentForLongerThanTheThresholdRaisesAnAlertThatClearsOnceTheRelayCatchesUp() {
        Unreachable publisher = new Unreachable(engine.warren());
        List<dev.warren.monitor.Alert> alerts = new CopyOnWriteArrayList<>();
        Outbox outbox = new Outbox(dataSource, publisher, JsonMapper.builder().build(),
                OutboxSettings.DEFAULTS.withPollInterval(Duration.ofMillis(100)).withAlertAfter(Duration.ofMillis(1500)),
                alerts::add);
        outbox.createTableIfMissing();
        outboxes.add(outbox);
        outbox.start();
        assertThat(outbox.checkOldestUnsent()).isZero();

        transaction.executeWithoutResult(status -> new TransactionalWarren(engine.warren(), outbox).send(queue,
                new OrderPlaced("o-7", 1), PublishOptions.builder().messageId("stuck").build()));
        // Within the threshold, no alert yet.
        assertThat(outbox.checkOldestUnsent()).isLessThan(Duration.ofMillis(1500));
        assertThat(outbox.activeAlerts()).isEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> !alerts.isEmpty());
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo(dev.warren.monitor.Alert.Kind.OUTBOX_OLDEST_UNSENT);
            assertThat(alert.queue()).isEqualTo("warren_outbox");
            assertThat(alert.raised()).isTrue();
        });
        assertThat(outbox.activeAlerts()).containsExactly("OUTBOX_OLDEST_UNSENT warren_outbox");
        assertThat(ledger.deliveries).isEmpty();

        publisher.repaired = true;
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 2);
        assertThat(alerts.get(1).raised()).isFalse();
        assertThat(outbox.activeAlerts()).isEmpty();
        assertThat(outbox.depth()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.deliveries.containsKey("stuck"));
        // The lag counts from the write, by the database's clock: at least the time the relay was stuck.
        assertThat(outbox.lastPublishLag()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void theCreationTimeIsTheWriteNotTheStartOfItsTransaction() {
        Outbox outbox = outbox(OutboxSettings.DEFAULTS);
        java.sql.Timestamp transactionStart = transaction.execute(status -> {
            java.sql.Timestamp start = jdbc.queryForObject("SELECT now()", java.sql.Timestamp.class);
            // A transaction that ran for a while before it wrote its message.
            jdbc.execute("SELECT pg_sleep(0.3)");
            outbox.write(false, queue, new OrderPlaced("o-8", 1), PublishOptions.builder().messageId("late-write").build());
            return start;
        });
        java.sql.Timestamp created = jdbc.queryForObject("SELECT created_at FROM warren_outbox WHERE message_id = 'late-write'",
                java.sql.Timestamp.class);
        assertThat(Duration.between(transactionStart.toInstant(), created.toInstant())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
}
