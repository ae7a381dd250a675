package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.publish.PublishException;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The broker closes the consumer's connection in the middle of a stream (as an operator or a
 * broker policy would); the engine reconnects and every message is processed at least once.
 */
class ConnectionClosedByBrokerIT {

    private static final int MESSAGES = 2_000;
    /** 5 messages every 10 ms: 500/s, so the stream lasts about 4 s. */
    private static final int PER_TICK = 5;

    /**
     * Consumes slower (100/s, with Warren's own rate limit) than the producer sends (500/s, and on a
     * loaded machine, where each send waits for its confirm, still well above 100/s), so that the
     * backlog never drains before the stream ends and the consumer holds a full prefetch of
     * unacknowledged messages when its connection is closed. At 400/s a busy machine's producer fell
     * behind, the backlog drained and the close found nothing in flight.
     */
    static final class ThrottledHandler {

        final Map<Integer, Integer> deliveries = new ConcurrentHashMap<>();

        @Consumer(queue = "${queue}", rateLimit = "100/s")
        void consume(Reading reading) {
            deliveries.merge(reading.id(), 1, Integer::sum);
        }

        int processed() {
            return deliveries.size();
        }
    }

    final String queue = RabbitBroker.uniqueName("chaos.closed");
    final String consumerConnection = "warren-chaos-consumer-" + UUID.randomUUID().toString().substring(0, 8);
    final CachingConnectionFactory consumerFactory = RabbitBroker.get().connectionFactory();
    // The producer has its own connection, so that closing the consumer's does not also fail sends.
    final CachingConnectionFactory producerFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(producerFactory);
    final ScheduledExecutorService producerThread = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "chaos-producer"));
    final ThrottledHandler handler = new ThrottledHandler();
    WarrenEngine consumer;
    WarrenEngine producer;

    @AfterEach
    void close() throws InterruptedException {
        producerThread.shutdownNow();
        producerThread.awaitTermination(10, TimeUnit.SECONDS);
        if (consumer != null) {
            consumer.close();
            cleanup.queues(consumer.topology().queues().stream().map(QueueSpec::name).toList());
        }
        if (producer != null) {
            producer.close();
        }
        cleanup.workQueue(queue).close();
        consumerFactory.destroy();
        producerFactory.destroy();
    }

    @Test
    void consumerRecoversAfterTheBrokerClosesItsConnectionAndLosesNothing() {
        Instant started = Instant.now();
        consumerFactory.setConnectionNameStrategy(f -> consumerConnection);
        producerFactory.setConnectionNameStrategy(f -> "warren-chaos-producer");
        consumer = WarrenEngine.builder(consumerFactory).handlers(handler).nameResolver(v -> v.replace("${queue}", queue)).build();
        consumer.declareTopology();
        producer = WarrenEngine.builder(producerFactory).build();

        Queue<Integer> sent = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger publishRetries = new AtomicInteger();
        producerThread.scheduleAtFixedRate(() -> {
            for (int i = 0; i < PER_TICK && next.get() < MESSAGES; i++) {
                int id = next.get();
                try {
                    producer.warren().send(queue, new Reading(id));
                    sent.add(id);
                    next.incrementAndGet();
                } catch (PublishException e) {
                    // Not confirmed: send it again on the next tick, as an at-least-once producer would.
                    publishRetries.incrementAndGet();
                    return;
                }
            }
        }, 0, 10, TimeUnit.MILLISECONDS);

        // A backlog first, so that the consumer always has a full prefetch in flight; the stream goes on.
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.size() >= MESSAGES / 4);
        consumer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> handler.processed() >= MESSAGES / 5);
        int processedBeforeClose = handler.processed();
        int inFlight = BrokerConnections.unacknowledged(consumerConnection);
        BrokerConnections.Connection closed = BrokerConnections.closeByClientName(consumerConnection, "chaos test");
        System.out.printf("CHAOS closed connection %s after %d of %d messages were processed, with %d unacknowledged%n",
                closed, processedBeforeClose, MESSAGES, inFlight);

        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> sent.size() == MESSAGES && handler.processed() == MESSAGES);
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }
        Tally tally = Tally.of(List.copyOf(sent), handler.deliveries)
                .print("ConnectionClosedByBrokerIT", Duration.between(started, Instant.now()));
        System.out.printf("CHAOS ConnectionClosedByBrokerIT publishRetries=%d%n", publishRetries.get());

        assertThat(processedBeforeClose).isLessThan(MESSAGES);
        assertThat(inFlight).as("unacknowledged messages on the connection when it was closed").isPositive();
        assertThat(BrokerConnections.named(consumerConnection)).as("the consumer reconnected").isNotEmpty();
        assertThat(tally.sent()).isEqualTo(MESSAGES);
        assertThat(tally.lost()).isZero();
        assertThat(tally.processed()).isEqualTo(MESSAGES);
    }
}
