package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.InMemoryIdempotencyStore;
import dev.warren.idempotency.JdbcIdempotencyStore;
import dev.warren.idempotency.RedisIdempotencyStore;
import dev.warren.publish.PublishOptions;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Idempotent consumers with each store, on the real broker, Redis and PostgreSQL. */
class IdempotentConsumerIT {

    record Payment(String orderId, long cents) {
    }

    /** The side effect: charges counted per order, shared by every consumer of the test. */
    static final Map<String, AtomicInteger> CHARGES = new ConcurrentHashMap<>();

    static final class PaymentHandler {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean blockFirst;

        PaymentHandler(boolean blockFirst) {
            this.blockFirst = blockFirst;
        }

        @Consumer(queue = "${queue}", idempotent = true, concurrency = 2)
        void charge(Payment payment) throws InterruptedException {
            CHARGES.computeIfAbsent(payment.orderId(), k -> new AtomicInteger()).incrementAndGet();
            if (blockFirst && entered.getCount() == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
        }
    }

    static final class OrderKeyedHandler {
        @Consumer(queue = "${queue}", idempotent = true, idempotencyKey = "orderId")
        void charge(Payment payment) {
            CHARGES.computeIfAbsent(payment.orderId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.idempotent");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        broker.close();
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private IdempotencyStore store(String kind) {
        switch (kind) {
            case "memory":
                return new InMemoryIdempotencyStore(10_000, Clock.systemUTC());
            case "redis": {
                LettuceConnectionFactory connections = dev.warren.idempotency.RedisConnections.connect(RedisServer.get());
                StringRedisTemplate redis = new StringRedisTemplate(connections);
                String prefix = RedisServer.uniquePrefix("it-idempotent");
                resources.add(() -> {
                    Set<String> keys = redis.keys(prefix + "*");
                    if (!keys.isEmpty()) {
                        redis.delete(keys);
                    }
                    connections.destroy();
                });
                return new RedisIdempotencyStore(redis, prefix);
            }
            default: {
                PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("it_idempotent");
                resources.add(schema);
                PGSimpleDataSource dataSource = new PGSimpleDataSource();
                dataSource.setUrl(schema.jdbcUrl());
                JdbcIdempotencyStore store = new JdbcIdempotencyStore(dataSource);
                store.createTableIfMissing();
                return store;
            }
        }
    }

    private WarrenEngine start(IdempotencyStore store, Object handler) {
        WarrenEngine engine = broker.build(broker.engine(handler).idempotencyStore(store));
        engine.start();
        return engine;
    }

    private long duplicates(List<WarrenEngine> of) {
        return of.stream().mapToLong(e -> e.consumerStats().get(queue).duplicates()).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "jdbc"})
    void theSameMessageIdPublishedTwiceRunsTheSideEffectOnce(String kind) {
        String order = RabbitBroker.uniqueName("order");
        WarrenEngine engine = start(store(kind), new PaymentHandler(false));

        PublishOptions sameId = PublishOptions.builder().messageId("pay-" + order).build();
        engine.warren().send(queue, new Payment(order, 100), sameId);
        engine.warren().send(queue, new Payment(order, 100), sameId);

        await().atMost(Duration.ofSeconds(15)).until(() -> duplicates(List.of(engine)) == 1);
        assertThat(CHARGES.get(order)).hasValue(1);
        assertThat(engine.consumerStats().get(queue).processed()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "jdbc"})
    void aMessageRedeliveredAfterItsAckWasLostRunsTheSideEffectOnce(String kind) throws Exception {
        String order = RabbitBroker.uniqueName("order");
        PaymentHandler handler = new PaymentHandler(true);
        WarrenEngine engine = start(store(kind), handler);

        engine.warren().send(queue, new Payment(order, 100));
        assertThat(handler.entered.await(10, TimeUnit.SECONDS)).isTrue();
        // The handler finishes after its connection died: its ack is lost and the broker redelivers.
        broker.connectionFactory.resetConnection();
        handler.release.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> duplicates(List.of(engine)) == 1);
        assertThat(CHARGES.get(order)).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "jdbc"})
    void hundredConcurrentDuplicatesToFourCompetingConsumersRunTheSideEffectOnce(String kind) {
        String order = RabbitBroker.uniqueName("order");
        IdempotencyStore store = store(kind);
        // Two instances with two consumers each, sharing the store.
        WarrenEngine first = start(store, new PaymentHandler(false));
        WarrenEngine second = start(store, new PaymentHandler(false));

        PublishOptions sameId = PublishOptions.builder().messageId("pay-" + order).build();
        List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sends.add(first.warren().sendAsync(queue, new Payment(order, 100), sameId));
        }
        java.util.concurrent.CompletableFuture.allOf(sends.toArray(java.util.concurrent.CompletableFuture[]::new)).join();

        await().atMost(Duration.ofSeconds(30)).until(() -> duplicates(List.of(first, second)) == 99);
        assertThat(CHARGES.get(order)).hasValue(1);
        assertThat(first.consumerStats().get(queue).processed() + second.consumerStats().get(queue).processed()).isEqualTo(1);
        assertThat(broker.drain(queue + ".dlq")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory"})
    void aPayloadFieldCanBeTheKey(String kind) {
        String order = RabbitBroker.uniqueName("order");
        WarrenEngine engine = start(store(kind), new OrderKeyedHandler());

        // Different message ids, same order: one charge.
        engine.warren().send(queue, new Payment(order, 100));
        engine.warren().send(queue, new Payment(order, 100));

        await().atMost(Duration.ofSeconds(15)).until(() -> duplicates(List.of(engine)) == 1);
        assertThat(CHARGES.get(order)).hasValue(1);
    }
}
