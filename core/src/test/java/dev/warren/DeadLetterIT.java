package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.annotation.Consumer;
import dev.warren.failure.PermanentFailureException;
import dev.warren.test.RabbitBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

class DeadLetterIT {

    record Charge(String orderId, long cents) {
    }

    static final class PaymentHandler {
        final List<String> charged = new CopyOnWriteArrayList<>();

        // No retries: these tests are about what a dead letter carries.
        @Consumer(queue = "${queue}", retry = @dev.warren.annotation.Retry(maxAttempts = 1))
        void charge(Charge charge) {
            if (charge.cents() < 0) {
                throw new IllegalArgumentException("negative amount " + charge.cents() + " for order " + charge.orderId());
            }
            charged.add(charge.orderId());
        }
    }

    static final class RefusingHandler {
        @Consumer(queue = "${queue}")
        void charge(Charge charge) {
            throw new PermanentFailureException("order " + charge.orderId() + " is refused");
        }
    }

    final String queue = RabbitBroker.uniqueName("it.payments");
    final String dlq = queue + ".dlq";
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void poisonMessageIsDeadLetteredWithReasonAndTheNextMessageIsProcessed() {
        broker.cleanup.workQueue(queue);
        PaymentHandler handler = new PaymentHandler();
        WarrenEngine engine = broker.start(handler);

        engine.warren().send(queue, new Charge("bad", -5), dev.warren.publish.PublishOptions.builder()
                .messageId("poison-1").header("tenant", "acme").build());
        engine.warren().send(queue, new Charge("good", 100));

        await().atMost(Duration.ofSeconds(10)).until(() -> handler.charged.contains("good"));
        Message dead = awaitOne(dlq);
        MessageProperties properties = dead.getMessageProperties();
        assertThat(properties.getMessageId()).isEqualTo("poison-1");
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getReceivedDeliveryMode()).isEqualTo(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
        assertThat(properties.getTimestamp()).isNotNull();
        Map<String, Object> headers = properties.getHeaders();
        assertThat(headers).containsEntry("tenant", "acme")
                .containsEntry("x-original-queue", queue)
                .containsEntry("x-original-exchange", "")
                .containsEntry("x-original-routingKey", queue)
                .containsEntry("x-warren-attempts", 1)
                .containsEntry("x-warren-failure-class", "unknown");
        assertThat(String.valueOf(headers.get("x-exception-message")))
                .contains("PaymentHandler.charge", "IllegalArgumentException", "negative amount -5 for order bad");
        assertThat(String.valueOf(headers.get("x-exception-stacktrace")))
                .startsWith("java.lang.IllegalArgumentException: negative amount").contains("DeadLetterIT$PaymentHandler.charge");
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).contains("\"orderId\":\"bad\"");
        assertThat(broker.drain(queue)).isEmpty();
    }

    @Test
    void bodiesThatAreNotJsonOfThePayloadTypeAreDeadLetteredByteForByte() {
        broker.cleanup.workQueue(queue);
        PaymentHandler handler = new PaymentHandler();
        broker.start(handler);

        byte[] notJson = {(byte) 0xC3, 0x28, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n', 0};
        MessageProperties textProperties = new MessageProperties();
        textProperties.setContentType("text/plain");
        textProperties.setMessageId("garbage-1");
        broker.template.send("", queue, new Message(notJson, textProperties));
        MessageProperties jsonProperties = new MessageProperties();
        jsonProperties.setContentType("application/json");
        jsonProperties.setMessageId("null-1");
        broker.template.send("", queue, new Message("null".getBytes(StandardCharsets.UTF_8), jsonProperties));
        broker.template.send("", queue, new Message("{\"orderId\":\"after\",\"cents\":1}".getBytes(StandardCharsets.UTF_8),
                jsonProperties));

        await().atMost(Duration.ofSeconds(10)).until(() -> handler.charged.contains("after"));
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            deadLetters.addAll(broker.drain(dlq));
            return deadLetters.size() == 2;
        });
        Message garbage = deadLetters.stream().filter(m -> "garbage-1".equals(m.getMessageProperties().getMessageId()))
                .findFirst().orElseThrow();
        assertThat(garbage.getBody()).isEqualTo(notJson);
        assertThat(garbage.getMessageProperties().getContentType()).isEqualTo("text/plain");
        assertThat(String.valueOf(garbage.getMessageProperties().getHeaders().get("x-exception-message")))
                .contains("does not decode as JSON", "DeadLetterIT$Charge", "text/plain");
        Message nullBody = deadLetters.stream().filter(m -> "null-1".equals(m.getMessageProperties().getMessageId()))
                .findFirst().orElseThrow();
        assertThat(String.valueOf(nullBody.getMessageProperties().getHeaders().get("x-exception-message"))).contains("decodes to null");
    }

    @Test
    void aDeadLetterOfAMessageWithAPerMessageTtlStaysUntilAnOperatorActs() throws Exception {
        broker.cleanup.workQueue(queue);
        broker.start(new RefusingHandler());

        // Another service's message: its TTL was meant for the work queue, not for the dead letter.
        publishRaw(queue, new AMQP.BasicProperties.Builder().contentType("application/json").messageId("ttl-1")
                .deliveryMode(2).expiration("2000").build(), "{\"orderId\":\"o-1\",\"cents\":5}");

        await().atMost(Duration.ofSeconds(10)).until(() -> depth(dlq) == 1);
        // Well past the 2 s the publisher gave it, the dead letter is still there, every time we look.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> depth(dlq) == 1);
        Message dead = awaitOne(dlq);
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("ttl-1");
        assertThat(dead.getMessageProperties().getExpiration()).isNull();
        assertThat(dead.getMessageProperties().getHeaders()).containsEntry("x-warren-failure-class", "permanent");
        assertThat(String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message")))
                .contains("order o-1 is refused");
    }

    @Test
    void messagesWhoseHeadersNearlyFillTheFrameAreDeadLetteredWithTheirReasonAndConsumingGoesOn() throws Exception {
        broker.cleanup.workQueue(queue);
        PaymentHandler handler = new PaymentHandler();
        broker.start(handler);
        // Each fits the frame as published, but not once the reason and stack trace are added: one with
        // a large byte[] value, one with thousands of values too short to be worth cutting.
        Map<String, Object> manyShort = new LinkedHashMap<>();
        for (int i = 0; i < 4_400; i++) {
            manyShort.put(String.format("h-%05d", i), "short value " + i);
        }
        String bad = "{\"orderId\":\"bad\",\"cents\":-5}";
        publishRaw(queue, new AMQP.BasicProperties.Builder().contentType("application/json").messageId("blob-1")
                .deliveryMode(2).headers(Map.of("blob", new byte[128_000])).build(), bad);
        publishRaw(queue, new AMQP.BasicProperties.Builder().contentType("application/json").messageId("many-1")
                .deliveryMode(2).headers(manyShort).build(), bad);
        publishRaw(queue, new AMQP.BasicProperties.Builder().contentType("application/json").messageId("good-1")
                .deliveryMode(2).build(), "{\"orderId\":\"good\",\"cents\":1}");

        await().atMost(Duration.ofSeconds(10)).until(() -> handler.charged.contains("good"));
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            deadLetters.addAll(broker.drain(dlq));
            return deadLetters.size() == 2;
        });
        assertThat(deadLetters).extracting(m -> m.getMessageProperties().getMessageId()).containsExactlyInAnyOrder("blob-1",
                "many-1");
        // Warren's own copy, with the reason, not the broker's fallback without it.
        assertThat(deadLetters).allSatisfy(m -> assertThat(String.valueOf(m.getMessageProperties().getHeaders()
                .get("x-exception-message"))).contains("negative amount -5 for order bad"));
    }

    /** Publishes as a service without Warren would, with amqp-client alone, and waits for the confirm. */
    private void publishRaw(String routingKey, AMQP.BasicProperties properties, String body) throws Exception {
        try (com.rabbitmq.client.Connection connection = broker.connectionFactory.getRabbitConnectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", routingKey, properties, body.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }
    }

    private long depth(String name) {
        var info = new RabbitAdmin(broker.connectionFactory).getQueueInfo(name);
        return info == null ? -1 : info.getMessageCount();
    }

    private Message awaitOne(String queueName) {
        Message[] holder = new Message[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> (holder[0] = broker.template.receive(queueName)) != null);
        return holder[0];
    }
}
