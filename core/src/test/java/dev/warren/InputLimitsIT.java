package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.annotation.Consumer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.InputLimits;
import dev.warren.test.RabbitBroker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Hostile input on the real broker: bodies over the size limit, JSON that breaks a limit, and
 * headers that are not what they claim. Each message ends up processed or in the dead-letter queue
 * with its reason, and the consumer keeps consuming.
 */
class InputLimitsIT {

    record Charge(String orderId, long cents) {
    }

    static final class PaymentHandler {
        final Set<String> charged = ConcurrentHashMap.newKeySet();

        @Consumer(queue = "${queue}", retry = @dev.warren.annotation.Retry(maxAttempts = 2, backoff = "100ms"))
        void charge(Charge charge) {
            if (charge.orderId().startsWith("bad")) {
                throw new IllegalArgumentException("order " + charge.orderId() + " is refused");
            }
            charged.add(charge.orderId());
        }
    }

    final String queue = RabbitBroker.uniqueName("it.limits");
    final String dlq = queue + ".dlq";
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final Map<String, Message> deadLetters = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void oversizeBodyIsDeadLetteredWithReasonUndecodedAndTheNextMessageIsProcessed() throws Exception {
        PaymentHandler handler = new PaymentHandler();
        broker.start(handler);

        // Valid JSON of the payload type: only its size is wrong.
        String padding = " ".repeat(3 * 1024 * 1024 - 40);
        byte[] large = ("{\"orderId\":\"large\",\"cents\":1}" + padding).getBytes(StandardCharsets.UTF_8);
        publish("large-1", properties("application/json", null, Map.of()), large);
        publish("after-large", json(), charge("after-large"));

        await().atMost(Duration.ofSeconds(20)).until(() -> handler.charged.contains("after-large"));
        Message dead = awaitDeadLetter("large-1");
        assertThat(reason(dead)).isEqualTo(String.format(java.util.Locale.ROOT,
                "Body of %,d bytes exceeds the limit of 1,048,576 bytes (max-message-size); it was not decoded", large.length));
        assertThat(dead.getMessageProperties().getHeaders()).containsEntry("x-warren-failure-class", "permanent")
                .containsEntry("x-warren-attempts", 1);
        assertThat(dead.getBody()).as("the dead letter keeps the body byte for byte").isEqualTo(large);
        assertThat(handler.charged).doesNotContain("large");
    }

    @Test
    void jsonOverItsLimitsIsDeadLetteredWithTheLimitInTheReason() throws Exception {
        PaymentHandler handler = new PaymentHandler();
        broker.build(broker.engine(handler).consumerDefaults(ConsumerSettings.DEFAULTS.withLimits(
                InputLimits.DEFAULTS.withMaxStringLength(1_000)))).start();

        String deep = "{\"orderId\":\"deep\",\"cents\":1,\"extra\":" + "[".repeat(150) + "]".repeat(150) + "}";
        publish("deep-1", json(), deep.getBytes(StandardCharsets.UTF_8));
        publish("long-string-1", json(), ("{\"orderId\":\"" + "x".repeat(5_000) + "\",\"cents\":1}")
                .getBytes(StandardCharsets.UTF_8));
        publish("long-number-1", json(), ("{\"orderId\":\"n\",\"cents\":" + "9".repeat(500) + "}")
                .getBytes(StandardCharsets.UTF_8));
        publish("long-name-1", json(), ("{\"" + "k".repeat(5_000) + "\":1,\"orderId\":\"n\",\"cents\":1}")
                .getBytes(StandardCharsets.UTF_8));
        publish("after-json", json(), charge("after-json"));

        await().atMost(Duration.ofSeconds(20)).until(() -> handler.charged.contains("after-json"));
        assertThat(reason(awaitDeadLetter("deep-1"))).startsWith("Body exceeds a JSON limit (json.max-nesting-depth;")
                .contains("(101) exceeds the maximum allowed (100");
        assertThat(reason(awaitDeadLetter("long-string-1"))).startsWith("Body exceeds a JSON limit (json.max-string-length;")
                .contains("exceeds the maximum allowed (1000");
        assertThat(reason(awaitDeadLetter("long-number-1"))).startsWith("Body exceeds a JSON limit (json.max-number-length;")
                .contains("exceeds the maximum allowed (100");
        assertThat(reason(awaitDeadLetter("long-name-1"))).startsWith("Body exceeds a JSON limit (json.max-string-length;");
        assertThat(handler.charged).containsExactly("after-json");
    }

    @Test
    void hostileHeadersNeverStopTheConsumer() throws Exception {
        PaymentHandler handler = new PaymentHandler();
        broker.start(handler);
        Map<String, Object> hugeList = new HashMap<>();
        hugeList.put("x-warren-attempts", List.of(1, 2, 3));

        // Warren's attempt count as text, negative, huge and a list: each delivery is a first attempt.
        publish("attempts-text", properties("application/json", null, Map.of("x-warren-attempts", "many")), charge("attempts-text"));
        publish("attempts-negative", properties("application/json", null, Map.of("x-warren-attempts", -7)),
                charge("attempts-negative"));
        publish("attempts-huge", properties("application/json", null, Map.of("x-warren-attempts", Long.MAX_VALUE)),
                charge("attempts-huge"));
        publish("attempts-list", properties("application/json", null, hugeList), charge("attempts-list"));
        publish("bad-attempts-huge", properties("application/json", null, Map.of("x-warren-attempts", 99_999_999_999L)),
                charge("bad-attempts-huge"));
        // x-death as the broker never writes it: Spring AMQP would throw while converting the delivery.
        publish("x-death-text", properties("application/json", null, Map.of("x-death", "forged")), charge("x-death-text"));
        publish("x-death-list", properties("application/json", null, Map.of("x-death", List.of("a", 1))),
                charge("x-death-list"));
        publish("bad-x-death", properties("application/json", null, Map.of("x-death", List.of(7))), charge("bad-x-death"));
        // A header value that fills almost the whole header frame, on a message that fails: the dead
        // letter's reason must still fit.
        String huge = "h".repeat(126_000);
        publish("huge-header", properties("application/json", null, Map.of("note", huge)), charge("huge-header"));
        publish("bad-huge-header", properties("application/json", null, Map.of("note", huge)), charge("bad-huge-header"));
        // No message id at all.
        publish(null, json(), charge("no-id"));
        // Says JSON, is binary.
        byte[] binary = {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, (byte) 0x80, (byte) 0xC3};
        publish("binary-1", json(), binary);
        // Claims gzip and is gzip: never inflated. A charset in the field is tolerated.
        publish("gzip-1", properties("application/json", "gzip", Map.of()), gzip(charge("gzip-1")));
        publish("utf8-encoding", properties("application/json", "UTF-8", Map.of()), charge("utf8-encoding"));
        // A content type that lies the other way: plain text that is valid JSON is decoded.
        publish("text-but-json", properties("text/plain", null, Map.of()), charge("text-but-json"));
        publish("after-headers", json(), charge("after-headers"));

        await().atMost(Duration.ofSeconds(30)).until(() -> handler.charged.contains("after-headers"));
        assertThat(handler.charged).contains("attempts-text", "attempts-negative", "attempts-huge", "attempts-list",
                "x-death-text", "x-death-list", "huge-header", "no-id", "utf8-encoding", "text-but-json");

        Message hugeAttempts = awaitDeadLetter("bad-attempts-huge");
        assertThat(reason(hugeAttempts)).contains("order bad-attempts-huge is refused");
        Message badDeath = awaitDeadLetter("bad-x-death");
        assertThat(reason(badDeath)).contains("order bad-x-death is refused");
        assertThat(badDeath.getMessageProperties().getHeaders()).containsEntry("x-warren-invalid-x-death", "[7]");
        Message hugeHeader = awaitDeadLetter("bad-huge-header");
        assertThat(reason(hugeHeader)).contains("order bad-huge-header is refused");
        assertThat(String.valueOf(hugeHeader.getMessageProperties().getHeaders().get("note")))
                .isEqualTo("[cut by Warren: a value of 126,000 bytes did not fit in the header frame]");
        assertThat(reason(awaitDeadLetter("binary-1"))).startsWith("Body does not decode as JSON");
        assertThat(reason(awaitDeadLetter("gzip-1"))).isEqualTo(
                "Content encoding 'gzip' is not supported: Warren reads uncompressed JSON only and does not inflate message bodies");

        // Every message is settled: nothing left in the queue, nothing unexpected in the dead letters.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(collectDeadLetters().keySet())
                .containsExactlyInAnyOrder("bad-attempts-huge", "bad-x-death", "bad-huge-header", "binary-1", "gzip-1"));
        RabbitAdmin admin = new RabbitAdmin(broker.connectionFactory);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var info = admin.getQueueInfo(queue);
            assertThat(info).isNotNull();
            assertThat(info.getMessageCount()).isZero();
            assertThat(info.getConsumerCount()).as("the consumer is still registered").isEqualTo(1);
        });
        publish("last", json(), charge("last"));
        await().atMost(Duration.ofSeconds(10)).until(() -> handler.charged.contains("last"));
    }

    private static AMQP.BasicProperties json() {
        return properties("application/json", null, Map.of());
    }

    private static AMQP.BasicProperties properties(String contentType, @Nullable String contentEncoding,
            Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().contentType(contentType).contentEncoding(contentEncoding)
                .headers(headers).deliveryMode(2).build();
    }

    private static byte[] charge(String orderId) {
        return ("{\"orderId\":\"" + orderId + "\",\"cents\":100}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.toByteArray();
    }

    /** Publishes with the client's own API, so that headers go out exactly as given. */
    private void publish(@Nullable String messageId, AMQP.BasicProperties properties, byte[] body) throws Exception {
        AMQP.BasicProperties withId = properties.builder().messageId(messageId).build();
        try (Connection connection = broker.connectionFactory.createConnection();
                Channel channel = connection.createChannel(false)) {
            channel.confirmSelect();
            channel.basicPublish("", queue, withId, body);
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private Map<String, Message> collectDeadLetters() {
        for (Message message : broker.drain(dlq)) {
            deadLetters.put(String.valueOf(message.getMessageProperties().getMessageId()), message);
        }
        return deadLetters;
    }

    private Message awaitDeadLetter(String messageId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> collectDeadLetters().containsKey(messageId));
        return deadLetters.get(messageId);
    }

    private static String reason(Message message) {
        return String.valueOf(message.getMessageProperties().getHeaders().get("x-exception-message"));
    }
}
