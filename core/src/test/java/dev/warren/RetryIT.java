package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.failure.PermanentFailureException;
import dev.warren.test.RabbitBroker;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** Non-blocking retries through delay queues, and the error classes, on the real broker. */
class RetryIT {

    record Job(String id) {
    }

    record Order(@NotBlank String orderId, @Positive long cents) {
    }

    static final class InvalidCardException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidCardException(String message) {
            super(message);
        }
    }

    final String queue = RabbitBroker.uniqueName("it.retry");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    private void cleanUpQueues(String... delays) {
        broker.cleanup.workQueue(queue);
        for (String delay : delays) {
            broker.cleanup.queue(queue + ".retry." + delay);
        }
    }

    static final class FlakyHandler {
        final AtomicInteger calls = new AtomicInteger();
        final List<Integer> attempts = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 3, backoff = "200ms", multiplier = 2))
        void handle(Job job, MessageContext context) throws IOException {
            attempts.add(context.attempt());
            if (calls.incrementAndGet() <= 2) {
                throw new IOException("dependency down, call " + calls.get());
            }
        }
    }

    @Test
    void handlerThatFailsTwiceThenSucceedsIsProcessedOnTheThirdAttempt() {
        cleanUpQueues("200ms", "400ms");
        FlakyHandler handler = new FlakyHandler();
        WarrenEngine engine = broker.start(handler);

        engine.warren().send(queue, new Job("j-1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.consumerStats().get(queue).processed() == 1);
        assertThat(handler.attempts).containsExactly(1, 2, 3);
        assertThat(engine.consumerStats().get(queue).retried()).isEqualTo(2);
        assertThat(engine.consumerStats().get(queue).transientFailures()).isEqualTo(2);
        assertThat(broker.drain(queue + ".dlq")).isEmpty();
        assertThat(broker.drain(queue)).isEmpty();
    }

    static final class PoisonAndGood {
        final Map<String, List<Long>> attemptTimes = new ConcurrentHashMap<>();
        final List<String> good = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}", prefetch = 50, retry = @Retry(maxAttempts = 3, backoff = "2s", multiplier = 1.5))
        void handle(Job job) {
            if (job.id().equals("poison")) {
                attemptTimes.computeIfAbsent(job.id(), k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                throw new IllegalStateException("cannot process " + job.id());
            }
            good.add(job.id());
        }
    }

    @Test
    void poisonMessageIsRetriedWithBackoffWithoutBlockingTheQueueThenDeadLettered() {
        cleanUpQueues("2s", "3s");
        PoisonAndGood handler = new PoisonAndGood();
        WarrenEngine engine = broker.start(handler);

        engine.warren().send(queue, new Job("poison"), dev.warren.publish.PublishOptions.builder().messageId("poison-1")
                .header("tenant", "acme").build());
        for (int i = 0; i < 200; i++) {
            engine.warren().sendAsync(queue, new Job("good-" + i));
        }

        // All 200 later messages are processed while the poison message waits for its second attempt.
        await().atMost(Duration.ofSeconds(10)).until(() -> handler.good.size() == 200);
        assertThat(handler.attemptTimes.get("poison")).hasSize(1);

        await().atMost(Duration.ofSeconds(15)).until(() -> engine.consumerStats().get(queue).deadLettered() == 1);
        List<Long> times = handler.attemptTimes.get("poison");
        assertThat(times).hasSize(3);
        long firstGap = Duration.ofNanos(times.get(1) - times.get(0)).toMillis();
        long secondGap = Duration.ofNanos(times.get(2) - times.get(1)).toMillis();
        assertThat(firstGap).isBetween(2_000L, 3_500L);
        assertThat(secondGap).isBetween(3_000L, 4_500L);

        List<Message> dead = broker.drain(queue + ".dlq");
        assertThat(dead).hasSize(1);
        MessageProperties properties = dead.get(0).getMessageProperties();
        assertThat(properties.getMessageId()).isEqualTo("poison-1");
        assertThat(properties.getHeaders())
                .containsEntry("tenant", "acme")
                .containsEntry("x-warren-attempts", 3)
                .containsEntry("x-warren-failure-class", "unknown")
                .containsEntry("x-original-queue", queue);
        assertThat(String.valueOf(properties.getHeaders().get("x-exception-message"))).contains("cannot process poison");
        assertThat(new String(dead.get(0).getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"poison\"}");
        assertThat(engine.consumerStats().get(queue).unknownFailures()).isEqualTo(3);
    }

    static final class StrictHandler {
        final AtomicInteger calls = new AtomicInteger();

        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 3, backoff = "200ms", permanent = InvalidCardException.class))
        void handle(@Valid Order order) {
            calls.incrementAndGet();
            if (order.orderId().equals("declined")) {
                throw new InvalidCardException("card declined for " + order.orderId());
            }
            if (order.orderId().equals("empty")) {
                throw new PermanentFailureException("order " + order.orderId() + " has no lines");
            }
        }
    }

    @Test
    void permanentFailuresGoToTheDeadLetterQueueAfterOneAttempt() {
        cleanUpQueues("200ms", "400ms");
        StrictHandler handler = new StrictHandler();
        WarrenEngine engine = broker.start(handler);

        MessageProperties json = new MessageProperties();
        json.setContentType("application/json");
        broker.template.send("", queue, new Message("{not json".getBytes(StandardCharsets.UTF_8), json));
        engine.warren().send(queue, new Order("", -5));
        engine.warren().send(queue, new Order("declined", 100));
        engine.warren().send(queue, new Order("empty", 100));

        List<Message> dead = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            dead.addAll(broker.drain(queue + ".dlq"));
            return dead.size() == 4;
        });
        assertThat(dead).allSatisfy(m -> assertThat(m.getMessageProperties().getHeaders())
                .containsEntry("x-warren-attempts", 1)
                .containsEntry("x-warren-failure-class", "permanent"));
        assertThat(dead).extracting(m -> String.valueOf(m.getMessageProperties().getHeaders().get("x-exception-message")))
                .anySatisfy(reason -> assertThat(reason).contains("does not decode"))
                .anySatisfy(reason -> assertThat(reason).contains("orderId must not be blank", "cents must be greater than 0"))
                .anySatisfy(reason -> assertThat(reason).contains("InvalidCardException", "card declined"))
                .anySatisfy(reason -> assertThat(reason).contains("has no lines"));
        // The invalid ones never reached the handler; the two exceptions were raised once each.
        assertThat(handler.calls).hasValue(2);
        assertThat(engine.consumerStats().get(queue).retried()).isZero();
        assertThat(engine.consumerStats().get(queue).permanentFailures()).isEqualTo(4);
    }

    static final class AlwaysDown {
        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 2, backoff = "100ms"))
        void handle(Job job) throws IOException {
            throw new java.net.ConnectException("connection refused by inventory service");
        }
    }

    @Test
    void transientFailuresThatOutlastTheRetriesAreDeadLetteredAsTransient() {
        cleanUpQueues("100ms");
        WarrenEngine engine = broker.start(new AlwaysDown());

        engine.warren().send(queue, new Job("j"));

        List<Message> dead = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            dead.addAll(broker.drain(queue + ".dlq"));
            return dead.size() == 1;
        });
        assertThat(dead.get(0).getMessageProperties().getHeaders())
                .containsEntry("x-warren-attempts", 2)
                .containsEntry("x-warren-failure-class", "transient");
    }

    static final class FailsOnce {
        final List<Long> attemptTimes = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 2, backoff = "6s"))
        void handle(Job job) throws IOException {
            attemptTimes.add(System.nanoTime());
            if (attemptTimes.size() == 1) {
                throw new IOException("dependency down");
            }
        }
    }

    @Test
    void aRetryWaitsItsWholeDelayWhateverTtlThePublisherGaveTheMessage() throws Exception {
        cleanUpQueues("6s");
        FailsOnce handler = new FailsOnce();
        broker.start(handler);
        String delayQueue = queue + ".retry.6s";

        // Another service's message with a 2 s TTL: the delay queue's own 6 s TTL decides when it comes back.
        try (Connection connection = broker.connectionFactory.getRabbitConnectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder()
                    .contentType("application/json").messageId("ttl-1").deliveryMode(2).expiration("2000").build(),
                    "{\"id\":\"j-1\"}".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> depth(delayQueue) == 1);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> depth(delayQueue) == 1
                && handler.attemptTimes.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> handler.attemptTimes.size() == 2);
        long gap = Duration.ofNanos(handler.attemptTimes.get(1) - handler.attemptTimes.get(0)).toMillis();
        assertThat(gap).isGreaterThanOrEqualTo(5_500L);
        assertThat(broker.drain(queue + ".dlq")).isEmpty();
    }

    private long depth(String name) {
        var info = new RabbitAdmin(broker.connectionFactory).getQueueInfo(name);
        return info == null ? -1 : info.getMessageCount();
    }

    @Test
    void delayQueuesAreDeclaredPerBackoffStepAndRouteBackToTheWorkQueue() {
        cleanUpQueues("200ms", "400ms");
        WarrenEngine engine = broker.start(new FlakyHandler());

        var delayQueue = engine.topology().queue(queue + ".retry.400ms");
        assertThat(delayQueue).isNotNull();
        assertThat(delayQueue.arguments())
                .containsEntry("x-message-ttl", 400L)
                .containsEntry("x-dead-letter-exchange", "")
                .containsEntry("x-dead-letter-routing-key", queue);
        assertThat(new org.springframework.amqp.rabbit.core.RabbitAdmin(broker.connectionFactory)
                .getQueueInfo(queue + ".retry.400ms")).isNotNull();
    }
}
