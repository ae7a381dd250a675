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

    private Message awaitOne(String queueName) {
        Message[] holder = new Message[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> (holder[0] = broker.template.receive(queueName)) != null);
        return holder[0];
    }
}
