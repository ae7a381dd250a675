package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.consumer.DeliveryListener;
import dev.warren.failure.FailureClass;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A delivery listener hears each step of each message, on the real broker. */
class DeliveryListenerIT {

    record Job(int id) {
    }

    static final class Worker {
        @Consumer(queue = "${queue}", idempotent = true, retry = @Retry(maxAttempts = 2, backoff = "100ms"))
        void process(Job job) {
            if (job.id() < 0) {
                throw new IllegalStateException("negative job " + job.id());
            }
        }
    }

    static final class Recorder implements DeliveryListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void processed(String queue, @Nullable String messageId, @Nullable Object payload, int attempt) {
            events.add("processed " + messageId + " " + payload + " attempt " + attempt);
        }

        @Override
        public void failed(String queue, @Nullable String messageId, Throwable failure, int attempt, FailureClass failureClass) {
            events.add("failed " + messageId + " attempt " + attempt + " " + failure.getMessage());
        }

        @Override
        public void retried(String queue, @Nullable String messageId, int attemptsMade, Duration delay) {
            events.add("retried " + messageId + " after " + attemptsMade + " in " + delay.toMillis() + " ms");
        }

        @Override
        public void deadLettered(String queue, @Nullable String messageId, String reason, int attempts) {
            events.add("dead-lettered " + messageId + " after " + attempts);
        }

        @Override
        public void duplicate(String queue, @Nullable String messageId) {
            events.add("duplicate " + messageId);
        }

        @Override
        public void published(String destination, boolean topic, String messageId, Object payload) {
            events.add("published " + messageId);
            throw new IllegalStateException("a listener that fails changes nothing");
        }
    }

    final String queue = RabbitBroker.uniqueName("it.listener");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void hearsEveryStepOfEveryMessage() {
        Recorder recorder = new Recorder();
        WarrenEngine engine = broker.build(broker.engine(new Worker()).deliveryListener(recorder));
        engine.start();
        engine.warren().send(queue, new Job(1), PublishOptions.builder().messageId("ok").build());
        engine.warren().send(queue, new Job(1), PublishOptions.builder().messageId("ok").build());
        engine.warren().send(queue, new Job(-1), PublishOptions.builder().messageId("bad").build());

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.contains("dead-lettered bad after 2"));
        assertThat(recorder.events).contains("published ok", "published bad", "processed ok Job[id=1] attempt 1",
                "duplicate ok", "failed bad attempt 1 negative job -1", "retried bad after 1 in 100 ms",
                "failed bad attempt 2 negative job -1");
    }
}
