package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A rate limit across a handler's concurrency, measured on the real broker. */
class RateLimitIT {

    record Reading(int n) {
    }

    static final class Sensor {
        final ConcurrentLinkedQueue<Long> processedAt = new ConcurrentLinkedQueue<>();

        @Consumer(queue = "${queue}", rateLimit = "100/s", concurrency = 4, prefetch = 20)
        void record(Reading reading) {
            processedAt.add(System.nanoTime());
        }
    }

    static final class SlowPayments {
        final ConcurrentLinkedQueue<Integer> charged = new ConcurrentLinkedQueue<>();

        @Consumer(queue = "${queue}", rateLimit = "2/s", concurrency = 4)
        void charge(Reading payment) {
            charged.add(payment.n());
        }
    }

    final String queue = RabbitBroker.uniqueName("it.rate");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void aHandlerLimitedTo100PerSecondProcessesAbout1000In10Seconds() {
        Sensor sensor = new Sensor();
        WarrenEngine engine = broker.build(broker.engine(sensor));
        engine.declareTopology();
        List<CompletableFuture<?>> sends = new java.util.ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            sends.add(engine.warren().sendAsync(queue, new Reading(i)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        engine.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> sensor.processedAt.size() >= 1_100);
        List<Long> times = List.copyOf(sensor.processedAt);
        long start = times.get(0);
        long window = Duration.ofSeconds(10).toNanos();
        long inTenSeconds = times.stream().filter(t -> t - start < window).count();
        // 100/s over 10 s: 1,000 within ±10%, in this instance, across four consumers.
        assertThat(inTenSeconds).isBetween(900L, 1_100L);
        assertThat(engine.consumerStats().get(queue).processed()).isGreaterThanOrEqualTo(1_100);
        // Permits come 100 at a time each second; every second, the consumers that ran out waited for the next.
        assertThat(engine.consumerStats().get(queue).rateLimited()).isGreaterThanOrEqualTo(10);
    }

    /**
     * Four consumers share two permits a second, so most of them find the next period's permits
     * already reserved. Each must wait for a later one rather than give up on its delivery, which
     * would leave it unacknowledged until the application stops.
     */
    @Test
    void aRateBelowTheConcurrencyOnlySlowsConsumersDown() {
        SlowPayments payments = new SlowPayments();
        WarrenEngine engine = broker.build(broker.engine(payments));
        engine.declareTopology();
        for (int i = 0; i < 12; i++) {
            engine.warren().send(queue, new Reading(i));
        }
        engine.start();

        // 12 at 2/s: about 6 s.
        await().atMost(Duration.ofSeconds(15)).until(() -> payments.charged.size() == 12);
        assertThat(payments.charged).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(broker.connectionFactory.createConnection()
                .createChannel(false).queueDeclarePassive(queue).getMessageCount()).isZero());
    }
}
