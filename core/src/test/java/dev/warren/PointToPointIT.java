package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** Plain Java, no Spring Boot: the engine alone declares, consumes and publishes. */
class PointToPointIT {

    record VideoJob(String videoId, List<String> tasks) {
    }

    record Envelope<T>(String kind, List<T> items) {
    }

    static final class Worker {
        final List<VideoJob> jobs = new CopyOnWriteArrayList<>();
        final List<MessageContext> contexts = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}")
        void process(VideoJob job, MessageContext context) {
            jobs.add(job);
            contexts.add(context);
        }
    }

    static final class GenericWorker {
        final List<Envelope<VideoJob>> envelopes = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}", queueType = dev.warren.annotation.QueueType.CLASSIC, concurrency = 2, prefetch = 5)
        void process(Envelope<VideoJob> envelope) {
            envelopes.add(envelope);
        }
    }

    final String queue = RabbitBroker.uniqueName("it.video");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void startingOnAQuorumQueueWithAMessageWaitingCountsNoDeliveryAgainstIt() {
        broker.cleanup.workQueue(queue);
        broker.build(broker.engine(new Worker())).declareTopology();
        broker.template.convertAndSend(queue, "{\"videoId\":\"v-waiting\",\"tasks\":[]}".getBytes(StandardCharsets.UTF_8));
        Worker worker = new Worker();

        // Start-up checks that it may read the queue; a returned message would count towards x-delivery-limit.
        broker.start(worker);

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.contexts.size() == 1);
        assertThat(worker.contexts.get(0).headers()).doesNotContainKey("x-delivery-count");
    }

    @Test
    void sentMessageReachesTheHandlerWithItsContext() {
        broker.cleanup.workQueue(queue);
        Worker worker = new Worker();
        WarrenEngine engine = broker.start(worker);

        var receipt = engine.warren().send(queue, new VideoJob("v-1", List.of("thumbnail", "720p")));

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.jobs.size() == 1);
        assertThat(worker.jobs.get(0)).isEqualTo(new VideoJob("v-1", List.of("thumbnail", "720p")));
        MessageContext context = worker.contexts.get(0);
        assertThat(context.messageId()).isEqualTo(receipt.messageId());
        assertThat(context.attempt()).isEqualTo(1);
        assertThat(context.redelivered()).isFalse();
        assertThat(context.queue()).isEqualTo(queue);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.drain(queue).isEmpty());
    }

    @Test
    void plainAmqpJsonOnTheDefaultExchangeReachesTheHandler() {
        broker.cleanup.workQueue(queue);
        Worker worker = new Worker();
        broker.start(worker);

        // What a producer in another language does: JSON to the default exchange, routing key = queue.
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        broker.template.send("", queue, new Message(
                "{\"videoId\":\"v-9\",\"tasks\":[\"1080p\"],\"addedLater\":true}".getBytes(StandardCharsets.UTF_8), properties));

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.jobs.size() == 1);
        assertThat(worker.jobs.get(0)).isEqualTo(new VideoJob("v-9", List.of("1080p")));
        assertThat(worker.contexts.get(0).messageId()).isNull();
    }

    @Test
    void genericPayloadTypesAndClassicQueuesWork() {
        broker.cleanup.workQueue(queue);
        GenericWorker worker = new GenericWorker();
        WarrenEngine engine = broker.start(worker);

        engine.warren().send(queue, new Envelope<>("batch", List.of(new VideoJob("a", List.of()), new VideoJob("b", List.of()))));

        await().atMost(Duration.ofSeconds(10)).until(() -> worker.envelopes.size() == 1);
        assertThat(worker.envelopes.get(0).items()).extracting(VideoJob::videoId).containsExactly("a", "b");
        assertThat(engine.topology().queue(queue).arguments()).containsEntry("x-queue-type", "classic");
    }

    @Test
    void publishedMessagesFollowTheWireContract() {
        broker.cleanup.workQueue(queue);
        WarrenEngine engine = broker.build(broker.engine(new Worker()));
        // Declared but not consuming, so the test can read the message as the broker holds it.
        engine.declareTopology();

        var receipt = engine.warren().send(queue, new VideoJob("v-2", List.of()));
        engine.close();

        Message message = broker.template.receive(queue, 5_000);
        assertThat(message).isNotNull();
        MessageProperties properties = message.getMessageProperties();
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getReceivedDeliveryMode()).isEqualTo(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
        assertThat(properties.getMessageId()).isEqualTo(receipt.messageId());
        assertThat(properties.getTimestamp()).isNotNull();
        assertThat(properties.getHeaders()).doesNotContainKeys("__TypeId__");
        assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).contains("\"videoId\":\"v-2\"", "\"tasks\":[]");
    }
}
