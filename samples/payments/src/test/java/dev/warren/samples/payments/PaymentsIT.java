package dev.warren.samples.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.consumer.ConsumerStats;
import dev.warren.publish.PublishOptions;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RedisServer;
import dev.warren.testing.DeliveryEvent;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Each charge is delivered twice, by a duplicate publish and by a redelivery after a crash, and
 * charged once; with the inbox, a failed attempt leaves nothing behind.
 */
@WarrenTest
class PaymentsIT {

    static final String CRASH_ORDER = "o-crash";
    static final String FLAKY_ORDER = "o-flaky";

    /**
     * The real gateway, except that the charge for {@link #CRASH_ORDER} hangs once it is made, as a
     * dying process would, and the first charge for {@link #FLAKY_ORDER} fails before it is made, as
     * an unreachable processor would.
     */
    static final class FaultyGateway extends PaymentGateway {
        final CountDownLatch charged = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean unreachable = new AtomicBoolean(true);

        FaultyGateway(JdbcClient jdbc) {
            super(jdbc);
        }

        @Override
        public void charge(ChargeRequest request) {
            if (request.orderId().equals(FLAKY_ORDER) && unreachable.getAndSet(false)) {
                throw new IllegalStateException("card processor unreachable");
            }
            super.charge(request);
            if (request.orderId().equals(CRASH_ORDER) && charged.getCount() == 1) {
                charged.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pretending to crash", e);
                }
            }
        }
    }

    static final String REDIS_QUEUE = "payments.charge.redis";
    static final String POSTGRES_QUEUE = "payments.charge.postgres";
    static final String INBOX_QUEUE = "payments.charge.inbox";

    final String redisKeyPrefix = RedisServer.uniquePrefix("payments");
    // Closed after the application, which the extension closes after the test.
    @AutoClose
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("payments");
    @Nullable ConfigurableApplicationContext app;

    /** Lets a hung charge return, so that the application closes without waiting; forgets the test's Redis keys. */
    @AfterEach
    void releaseAndForgetKeys() {
        if (app != null) {
            app.getBean(FaultyGateway.class).release.countDown();
            StringRedisTemplate redis = app.getBean(StringRedisTemplate.class);
            redis.delete(redis.keys(redisKeyPrefix + "*"));
        }
    }

    @Test
    void redisMessageIdStoreChargesOnceForADuplicateAndARedelivery(TestBroker broker, WarrenHarness harness) {
        app = start(broker);
        deliverEachChargeTwice(REDIS_QUEUE);

        // Warren skipped both second copies before they reached the handler.
        assertThat(harness.within(Duration.ofSeconds(20)).await(DeliveryEvent.Kind.DUPLICATE, REDIS_QUEUE, 2))
                .extracting(DeliveryEvent::messageId).containsExactlyInAnyOrder("charge-o-dup", "charge-o-crash");
        assertThat(stats(REDIS_QUEUE).processed()).isEqualTo(2);
        assertChargedOnce("o-dup", CRASH_ORDER);
        StringRedisTemplate redis = app.getBean(StringRedisTemplate.class);
        Set<String> keys = redis.keys(redisKeyPrefix + "*");
        assertThat(keys).hasSize(2).allSatisfy(key -> {
            assertThat(redis.opsForValue().get(key)).isEqualTo("done");
            assertThat(redis.getExpire(key, TimeUnit.HOURS)).isBetween(23L, 24L);
        });
    }

    @Test
    void postgresUniqueConstraintChargesOnceForADuplicateAndARedelivery(TestBroker broker, WarrenHarness harness) {
        app = start(broker);
        deliverEachChargeTwice(POSTGRES_QUEUE);

        // The handler ran for all four deliveries; the two second copies hit the unique constraint and charged nothing.
        harness.within(Duration.ofSeconds(20)).awaitConsumed(POSTGRES_QUEUE, ChargeRequest.class, 4);
        assertThat(stats(POSTGRES_QUEUE).deadLettered()).isZero();
        assertChargedOnce("o-dup", CRASH_ORDER);
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT order_id FROM charges ORDER BY order_id").query(String.class).list())
                .containsExactly("o-crash", "o-dup");
    }

    @Test
    void inboxChargesOnceForADuplicateAndARedelivery(TestBroker broker, WarrenHarness harness) {
        app = start(broker);
        deliverEachChargeTwice(INBOX_QUEUE);

        // Both second copies found their message id committed in warren_inbox, with the first copy's charge row.
        assertThat(harness.within(Duration.ofSeconds(20)).await(DeliveryEvent.Kind.DUPLICATE, INBOX_QUEUE, 2))
                .extracting(DeliveryEvent::messageId).containsExactlyInAnyOrder("charge-o-dup", "charge-o-crash");
        assertChargedOnce("o-dup", CRASH_ORDER);
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT order_id FROM inbox_charges ORDER BY order_id").query(String.class).list())
                .containsExactly("o-crash", "o-dup");
        assertThat(jdbc.sql("SELECT message_key FROM warren_inbox ORDER BY message_key").query(String.class).list())
                .containsExactly(INBOX_QUEUE + ":charge-o-crash", INBOX_QUEUE + ":charge-o-dup");
    }

    @Test
    void inboxRollsBackAFailedAttemptSoTheRetryChargesOnce(TestBroker broker, WarrenHarness harness) {
        app = start(broker);
        app.getBean(Warren.class).send(INBOX_QUEUE, new ChargeRequest(FLAKY_ORDER, 2500),
                PublishOptions.builder().messageId("charge-o-flaky").build());

        // The first attempt inserted its charge row before the processor failed: the row and the mark rolled back.
        assertThat(harness.awaitFailed(INBOX_QUEUE, IllegalStateException.class)).hasMessage("card processor unreachable");
        harness.within(Duration.ofSeconds(20)).awaitConsumed(INBOX_QUEUE, ChargeRequest.class);
        assertChargedOnce(FLAKY_ORDER);
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT count(*) FROM inbox_charges WHERE order_id = ?").param(FLAKY_ORDER).query(Integer.class)
                .single()).as("charge rows for %s", FLAKY_ORDER).isEqualTo(1);
        assertThat(jdbc.sql("SELECT message_key FROM warren_inbox").query(String.class).list())
                .containsExactly(INBOX_QUEUE + ":charge-o-flaky");
    }

    /** Publishes one charge twice with the same message id, and crashes while charging another. */
    private void deliverEachChargeTwice(String queue) {
        Warren warren = app.getBean(Warren.class);
        PublishOptions sameId = PublishOptions.builder().messageId("charge-o-dup").build();
        warren.send(queue, new ChargeRequest("o-dup", 1999), sameId);
        warren.send(queue, new ChargeRequest("o-dup", 1999), sameId);
        warren.send(queue, new ChargeRequest(CRASH_ORDER, 4999), PublishOptions.builder().messageId("charge-o-crash").build());

        FaultyGateway gateway = app.getBean(FaultyGateway.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.charged.getCount() == 0);
        // The card is charged, the message not yet acknowledged: the connection dies, the broker will redeliver.
        app.getBean(CachingConnectionFactory.class).resetConnection();
        gateway.release.countDown();
    }

    private void assertChargedOnce(String... orderIds) {
        PaymentGateway gateway = app.getBean(FaultyGateway.class);
        for (String orderId : orderIds) {
            assertThat(gateway.timesCharged(orderId)).as("times order %s was charged", orderId).isEqualTo(1);
        }
    }

    private ConsumerStats stats(String queue) {
        return app.getBean(WarrenEngine.class).consumerStats().get(queue);
    }

    private ConfigurableApplicationContext start(TestBroker broker) {
        RedisServer redis = RedisServer.get();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + schema.jdbcUrl(),
                "--spring.data.redis.host=" + redis.host(),
                "--spring.data.redis.port=" + redis.port(),
                "--spring.data.redis.database=" + redis.database(),
                "--warren.idempotency.redis-key-prefix=" + redisKeyPrefix));
        if (redis.username() != null) {
            args.add("--spring.data.redis.username=" + redis.username());
        }
        if (redis.password() != null) {
            args.add("--spring.data.redis.password=" + redis.password());
        }
        return new SpringApplicationBuilder(PaymentsApplication.class).initializers(broker.applicationInitializer())
                .initializers(context -> ((GenericApplicationContext) context)
                        .registerBean(FaultyGateway.class, definition -> definition.setPrimary(true)))
                .run(args.toArray(String[]::new));
    }
}
