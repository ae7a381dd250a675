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
}
