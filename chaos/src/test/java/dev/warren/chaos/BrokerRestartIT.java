package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublisherSettings;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The broker application stops and starts again while messages are published and consumed.
 * Runs on a throwaway node on port 5691, never on the shared broker. A send either is confirmed or
 * fails with a {@link PublishException}; nothing confirmed is lost; consumption resumes.
 */
class BrokerRestartIT {

    private static final int MAX_MESSAGES = 10_000;
    /** Messages confirmed before the stop, and again after the start, before the producer stops. */
    private static final int CONFIRMED_PER_PHASE = 300;

    static ThrowawayNode node;

    final String queue = "chaos.restart." + System.nanoTime();
    final CachingConnectionFactory consumerFactory = node.connectionFactory();
    final CachingConnectionFactory producerFactory = node.connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(producerFactory);
    final ScheduledExecutorService producerThread = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "chaos-producer"));
    final RecordingHandler handler = new RecordingHandler();
    WarrenEngine consumer;
    WarrenEngine producer;

    @BeforeAll
    static void startNode() {
        node = ThrowawayNode.start("wchaos", 5691);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void close() throws InterruptedException {
        producerThread.shutdownNow();
        producerThread.awaitTermination(30, TimeUnit.SECONDS);
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
    void confirmedMessagesSurviveABrokerRestartUnderLoad() throws InterruptedException {
        Instant started = Instant.now();
        consumer = WarrenEngine.builder(consumerFactory).handlers(handler).nameResolver(v -> v.replace("${queue}", queue)).build();
        consumer.start();
        // A short confirm timeout, so that a send to a stopped broker fails in seconds, not ten.
        producer = WarrenEngine.builder(producerFactory)
                .publisherSettings(new PublisherSettings(Duration.ofSeconds(3), PublisherSettings.DEFAULT_CHANNELS,
                        PublisherSettings.DEFAULT_MAX_IN_FLIGHT))
                .build();

        SteadySender sender = new SteadySender(producer.warren(), queue, MAX_MESSAGES);
        Set<Integer> confirmed = sender.confirmed;
        Map<Integer, PublishException.Reason> failed = sender.failed;
        Map<Integer, String> unexpected = sender.unexpected;
        AtomicInteger next = sender.next;
        // One send every 5 ms; each id is tried once, so a failure stays visible in the counts.
        producerThread.scheduleAtFixedRate(sender, 0, 5, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> confirmed.size() >= CONFIRMED_PER_PHASE);
        node.stopApp();
        int sentBeforeStop = next.get();
        System.out.printf("CHAOS stop_app on %s after %d sends, %d confirmed, %d processed%n", node.nodeName(),
                sentBeforeStop, confirmed.size(), handler.processed());

        // Down for about 400 failed sends (2 s at this rate), long enough for every client to notice.
        await().atMost(Duration.ofSeconds(60)).until(() -> failed.size() + unexpected.size() >= 400);
        node.startApp();
        int sentAtStart = next.get();
        int confirmedAtStart = confirmed.size();
        System.out.printf("CHAOS start_app after %d sends, %d confirmed, %d failed, %d unexpected failures%n",
                sentAtStart, confirmedAtStart, failed.size(), unexpected.size());

        await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.size() >= confirmedAtStart + CONFIRMED_PER_PHASE);
        producerThread.shutdown();
        assertThat(producerThread.awaitTermination(30, TimeUnit.SECONDS)).as("the producer stopped").isTrue();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> confirmed.stream().allMatch(handler.deliveries::containsKey));
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }

        Tally tally = Tally.of(List.copyOf(confirmed), handler.deliveries)
                .print("BrokerRestartIT", Duration.between(started, Instant.now()));
        long failedButDelivered = failed.keySet().stream().filter(handler.deliveries::containsKey).count();
        System.out.printf("CHAOS BrokerRestartIT attempted=%d confirmed=%d failed=%d (by reason %s) failedButDelivered=%d "
                        + "unexpected=%d %s%n", next.get(), confirmed.size(), failed.size(), countByReason(failed),
                failedButDelivered, unexpected.size(), unexpected.values().stream().distinct().limit(3).toList());

        assertThat(unexpected).as("sends that failed with something other than a PublishException").isEmpty();
        assertThat(confirmed.size() + failed.size()).as("every send was confirmed or failed").isEqualTo(next.get());
        assertThat(failed).as("sends while the broker was down").isNotEmpty();
        assertThat(tally.lost()).isZero();
        assertThat(handler.deliveries.keySet()).as("consumption continued after start_app")
                .anyMatch(id -> id >= sentAtStart);
    }

    private static Map<PublishException.Reason, Long> countByReason(Map<Integer, PublishException.Reason> failed) {
        return failed.values().stream().collect(java.util.stream.Collectors.groupingBy(r -> r,
                java.util.stream.Collectors.counting()));
    }
}
