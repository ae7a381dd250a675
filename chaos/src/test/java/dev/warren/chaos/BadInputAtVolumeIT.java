package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.MessageContext;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.consumer.ConsumerStats;
import dev.warren.consumer.InputLimits;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Bad input at volume: another service publishes 10,000 raw messages (not through Warren) that mix
 * valid JSON, malformed JSON, wrong types, empty bodies, huge bodies, wrong content types, JSON
 * arrays and {@code null}, binary junk, over-deep nesting, bodies over the handler's size limit and a
 * poison value the handler throws on.
 * Every message ends processed or in the dead-letter queue with a reason, and the consumer never
 * stops.
 */
class BadInputAtVolumeIT {

    private static final int MESSAGES = 10_000;
    /** Attempts in all for a message the handler throws on; the backoff is short so that the run stays fast. */
    private static final int POISON_ATTEMPTS = 2;
    /** Size of each huge body. */
    private static final int HUGE_BYTES = 3 * 1024 * 1024;
    /** The handler's max-message-size: above the huge bodies (the default of 1 MB would dead-letter them), below the over-limit ones. */
    private static final long MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
    /** Size of each body over the handler's limit. */
    private static final int OVER_LIMIT_BYTES = 5 * 1024 * 1024;
    /** Deeper than Jackson's default nesting limit (500 levels in Jackson 3). */
    private static final int DEEP_NESTING = 5_000;

    /** The payload the handler expects. */
    record Order(int id, String sku, int quantity) {
    }

    /** What each message is, and so where it must end. */
    enum Kind {
        VALID_JSON(true, "application/json"),
        /** {@code content_type} is not required by Warren's wire contract. */
        VALID_NO_CONTENT_TYPE(true, null),
        /** A JSON body labelled text/plain: Warren decodes by the handler's type, not the content type. */
        VALID_JSON_AS_TEXT_PLAIN(true, "text/plain"),
        /** Unknown fields, non-ASCII text, a charset parameter. */
        VALID_EXTRA_FIELDS(true, "application/json; charset=utf-8"),
        /** 3 MB of valid JSON: the order plus a long list of unknown "lines". */
        HUGE_VALID(true, "application/json"),
        MALFORMED_JSON(false, "application/json"),
        WRONG_TYPES(false, "application/json"),
        EMPTY_BODY(false, "application/json"),
        TEXT_PLAIN(false, "text/plain"),
        XML(false, "application/xml"),
        JSON_ARRAY(false, "application/json"),
        JSON_NULL(false, "application/json"),
        BINARY(false, "application/octet-stream"),
        DEEP_NESTING(false, "application/json"),
        /** 3 MB of JSON cut off before its end. */
        HUGE_MALFORMED(false, "application/json"),
        /** 5 MB of valid JSON, over the handler's max-message-size: dead-lettered with the limit, never decoded. */
        OVER_LIMIT(false, "application/json"),
        /** Decodes, but the handler throws on it: retried, then dead-lettered. */
        POISON(false, "application/json");

        final boolean valid;
        final String contentType;

        Kind(boolean valid, String contentType) {
            this.valid = valid;
            this.contentType = contentType;
        }
    }

    /** The kinds of every 100 messages by {@code seq % 100}: 70 valid and 30 invalid, interleaved; VALID_JSON elsewhere. */
    private static final Map<Integer, Kind> PATTERN = new HashMap<>();

    static {
        slots(Kind.VALID_NO_CONTENT_TYPE, 2, 22, 42, 62, 82);
        slots(Kind.VALID_JSON_AS_TEXT_PLAIN, 13, 46, 79);
        slots(Kind.VALID_EXTRA_FIELDS, 17, 77);
        slots(Kind.MALFORMED_JSON, 3, 23, 43, 63, 83);
        slots(Kind.WRONG_TYPES, 7, 27, 47, 67);
        slots(Kind.EMPTY_BODY, 11, 31, 51, 71);
        slots(Kind.TEXT_PLAIN, 15, 48, 81);
        slots(Kind.XML, 19, 52, 85);
        slots(Kind.JSON_ARRAY, 35, 88);
        slots(Kind.JSON_NULL, 39, 92);
        slots(Kind.BINARY, 56, 95);
        slots(Kind.DEEP_NESTING, 60);
        slots(Kind.POISON, 5, 30, 55, 80);
    }

    private static void slots(Kind kind, int... slots) {
        for (int slot : slots) {
            if (PATTERN.put(slot, kind) != null) {
                throw new IllegalStateException("slot " + slot + " taken twice");
            }
        }
    }

    /** Only a handful of huge bodies, at fixed places, so that the run stays fast. */
    private static final Map<Integer, Kind> HUGE = Map.of(
            1_000, Kind.HUGE_VALID, 4_000, Kind.HUGE_VALID, 8_000, Kind.HUGE_VALID,
            2_500, Kind.HUGE_MALFORMED, 6_500, Kind.HUGE_MALFORMED,
            3_000, Kind.OVER_LIMIT, 7_000, Kind.OVER_LIMIT);

    static Kind kindOf(int seq) {
        Kind huge = HUGE.get(seq);
        return huge != null ? huge : PATTERN.getOrDefault(seq % 100, Kind.VALID_JSON);
    }

    /** The body of message {@code seq}; the same every time it is asked for, so the dead letters can be compared to it. */
    static byte[] bodyOf(int seq) {
        String sku = "SKU-%05d".formatted(seq);
        int quantity = seq % 9 + 1;
        String order = "{\"id\":%d,\"sku\":\"%s\",\"quantity\":%d}".formatted(seq, sku, quantity);
        return switch (kindOf(seq)) {
            case VALID_JSON, VALID_NO_CONTENT_TYPE, VALID_JSON_AS_TEXT_PLAIN -> utf8(order);
            case VALID_EXTRA_FIELDS -> utf8("{\"id\":%d,\"sku\":\"%s-Größe-✓-😀\",\"quantity\":%d,\"note\":\"ignored\",\"tags\":[\"a\",{\"b\":null}]}"
                    .formatted(seq, sku, quantity));
            case HUGE_VALID -> utf8(huge(seq, sku, quantity, HUGE_BYTES) + "]}");
            case HUGE_MALFORMED -> utf8(huge(seq, sku, quantity, HUGE_BYTES));
            case OVER_LIMIT -> utf8(huge(seq, sku, quantity, OVER_LIMIT_BYTES) + "]}");
            case MALFORMED_JSON -> utf8("{\"id\": %d, \"sku\":".formatted(seq));
            case WRONG_TYPES -> utf8("{\"id\":\"abc\",\"sku\":5,\"quantity\":[]}");
            case EMPTY_BODY -> new byte[0];
            case TEXT_PLAIN -> utf8("order %d: %d x %s".formatted(seq, quantity, sku));
            case XML -> utf8("<?xml version=\"1.0\"?><order><id>%d</id><sku>%s</sku><quantity>%d</quantity></order>"
                    .formatted(seq, sku, quantity));
            case JSON_ARRAY -> utf8("[" + order + "]");
            case JSON_NULL -> utf8("null");
            case BINARY -> {
                byte[] junk = new byte[64 + seq % 64];
                new Random(seq).nextBytes(junk);
                junk[0] = (byte) 0xff;
                yield junk;
            }
            case DEEP_NESTING -> utf8("{\"id\":%d,\"sku\":\"%s\",\"quantity\":%d,\"extra\":%s%s}".formatted(seq, sku, quantity,
                    "[".repeat(DEEP_NESTING), "]".repeat(DEEP_NESTING)));
            case POISON -> utf8("{\"id\":%d,\"sku\":\"%s\",\"quantity\":-1}".formatted(seq, sku));
        };
    }

    /** An order with about {@code bytes} of unknown "lines", without the closing {@code ]}}. */
    private static String huge(int seq, String sku, int quantity, int bytes) {
        StringBuilder json = new StringBuilder(bytes + 200)
                .append("{\"id\":").append(seq).append(",\"sku\":\"").append(sku).append("\",\"quantity\":").append(quantity)
                .append(",\"lines\":[");
        for (int line = 0; json.length() < bytes; line++) {
            json.append(line == 0 ? "" : ",").append("{\"line\":").append(line)
                    .append(",\"text\":\"lorem ipsum dolor sit amet, consectetur adipiscing elit\"}");
        }
        return json.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String messageId(int seq) {
        return "bad-input-" + seq;
    }

    static int seqOf(String messageId) {
        return Integer.parseInt(messageId.substring("bad-input-".length()));
    }

    /** Records every call and every successful return, by message id; throws on a negative quantity. */
    static final class OrderHandler {

        /** Message id to calls of the handler, failed ones included. */
        final Map<String, Integer> calls = new ConcurrentHashMap<>();
        /** Message id to calls that returned normally. */
        final Map<String, Integer> processed = new ConcurrentHashMap<>();
        /** Calls whose payload does not match the message it came in. */
        final AtomicInteger mismatched = new AtomicInteger();

        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = POISON_ATTEMPTS, backoff = "100ms"))
        void consume(Order order, MessageContext context) {
            String id = String.valueOf(context.messageId());
            calls.merge(id, 1, Integer::sum);
            if (order.quantity() < 0) {
                throw new IllegalArgumentException("quantity must not be negative: " + order.quantity());
            }
            if (!id.startsWith("bad-input-") || order.id() != seqOf(id) || !order.sku().startsWith("SKU-%05d".formatted(order.id()))) {
                mismatched.incrementAndGet();
            }
            processed.merge(id, 1, Integer::sum);
        }
    }

    /** One message read from the dead-letter queue. */
    record DeadLettered(String messageId, String reason, String failureClass, Object attempts, String originalQueue,
            String contentType, byte[] body) {
    }

    final String queue = RabbitBroker.uniqueName("chaos.badinput");
    final String deadLetterQueue = QueueSpec.deadLetterQueueName(queue);
    final CachingConnectionFactory consumerFactory = RabbitBroker.get().connectionFactory();
    // The producer is another service: a connection of its own, plain amqp-client.
    final CachingConnectionFactory producerFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(producerFactory);
    final OrderHandler handler = new OrderHandler();
    WarrenEngine engine;
    Connection producerConnection;

    @AfterEach
    void close() throws Exception {
        if (producerConnection != null && producerConnection.isOpen()) {
            producerConnection.close(10_000);
        }
        if (engine != null) {
            engine.close();
            cleanup.queues(engine.topology().queues().stream().map(QueueSpec::name).toList());
        }
        cleanup.workQueue(queue).close();
        consumerFactory.destroy();
        producerFactory.destroy();
    }

    @Test
    void everyBadMessageEndsInTheDeadLetterQueueWithAReasonAndTheConsumerKeepsGoing() throws Exception {
        Instant started = Instant.now();
        engine = WarrenEngine.builder(consumerFactory).handlers(handler).nameResolver(v -> v.replace("${queue}", queue))
                .consumerDefaults(ConsumerSettings.DEFAULTS.withLimits(InputLimits.DEFAULTS.withMaxMessageSize(MAX_MESSAGE_SIZE)))
                .build();
        engine.start();

        producerConnection = producerFactory.getRabbitConnectionFactory().newConnection("warren-chaos-bad-input-producer");
        Channel channel = producerConnection.createChannel();
        AtomicInteger returned = new AtomicInteger();
        channel.addReturnListener(r -> returned.incrementAndGet());
        channel.confirmSelect();
        Map<Kind, Integer> sentByKind = new EnumMap<>(Kind.class);
        for (int seq = 0; seq < MESSAGES; seq++) {
            publish(channel, seq);
            sentByKind.merge(kindOf(seq), 1, Integer::sum);
        }
        channel.waitForConfirmsOrDie(Duration.ofSeconds(60).toMillis());
        Duration publishing = Duration.between(started, Instant.now());
        assertThat(returned.get()).as("messages returned as unroutable").isZero();

        RabbitAdmin admin = new RabbitAdmin(producerFactory);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> handler.processed.size() + messageCount(admin, deadLetterQueue) >= MESSAGES
                            && messageCount(admin, queue) == 0);
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }
        Duration settled = Duration.between(started, Instant.now());

        List<DeadLettered> deadLetters = readAll(admin, deadLetterQueue);
        Set<String> sentIds = new HashSet<>();
        for (int seq = 0; seq < MESSAGES; seq++) {
            sentIds.add(messageId(seq));
        }
        Map<String, Long> deadLetterCopies = deadLetters.stream()
                .collect(Collectors.groupingBy(DeadLettered::messageId, Collectors.counting()));
        Set<String> unknownDeadLetters = new TreeSet<>(deadLetterCopies.keySet());
        unknownDeadLetters.removeAll(sentIds);
        deadLetterCopies.keySet().removeAll(unknownDeadLetters);
        Set<String> accountedFor = new HashSet<>(handler.processed.keySet());
        accountedFor.addAll(deadLetterCopies.keySet());
        Set<String> lost = new TreeSet<>(sentIds);
        lost.removeAll(accountedFor);
        int duplicated = handler.processed.values().stream().mapToInt(n -> n - 1).sum();
        int duplicatedDeadLetters = deadLetterCopies.values().stream().mapToInt(n -> (int) (n - 1)).sum();
        Map<Kind, Integer> deadLetteredByKind = new EnumMap<>(Kind.class);
        deadLetterCopies.keySet().forEach(id -> deadLetteredByKind.merge(kindOf(seqOf(id)), 1, Integer::sum));
        Map<Kind, String> reasonByKind = new TreeMap<>();
        deadLetters.stream().filter(dead -> !unknownDeadLetters.contains(dead.messageId()))
                .forEach(dead -> reasonByKind.putIfAbsent(kindOf(seqOf(dead.messageId())),
                        dead.reason().length() > 160 ? dead.reason().substring(0, 160) + "..." : dead.reason()));
        ConsumerStats stats = engine.consumerStats().values().iterator().next();
        System.out.printf("CHAOS BadInputAtVolumeIT sent=%d processed=%d deadLettered=%d duplicated=%d duplicatedDeadLetters=%d "
                        + "lost=%d duration=%s (published in %s) deadLetteredByKind=%s%n", sentIds.size(), handler.processed.size(),
                deadLetterCopies.size(), duplicated, duplicatedDeadLetters, lost.size(), settled, publishing, deadLetteredByKind);
        System.out.printf("CHAOS BadInputAtVolumeIT sentByKind=%s consumerStats=%s%n", sentByKind, stats);
        reasonByKind.forEach((kind, reason) -> System.out.printf("CHAOS BadInputAtVolumeIT reason %s: %s%n", kind, reason));

        // Nothing lost, nothing in both places, nothing unexpected anywhere.
        assertThat(unknownDeadLetters).as("dead letters whose message id was never sent").isEmpty();
        assertThat(lost).as("messages neither processed nor dead-lettered").isEmpty();
        assertThat(accountedFor).as("processed and dead-lettered together").hasSameSizeAs(sentIds);
        Set<String> both = new TreeSet<>(handler.processed.keySet());
        both.retainAll(deadLetterCopies.keySet());
        assertThat(both).as("messages both processed and dead-lettered").isEmpty();
        assertThat(handler.mismatched.get()).as("payloads that do not match their message").isZero();

        // Valid messages are processed and never dead-lettered; every message of every invalid kind is dead-lettered.
        List<String> validDeadLettered = new ArrayList<>();
        List<String> validNotProcessed = new ArrayList<>();
        List<String> invalidProcessed = new ArrayList<>();
        for (int seq = 0; seq < MESSAGES; seq++) {
            String id = messageId(seq);
            Kind kind = kindOf(seq);
            if (kind.valid && deadLetterCopies.containsKey(id)) {
                validDeadLettered.add(id + " " + kind);
            }
            if (kind.valid && !handler.processed.containsKey(id)) {
                validNotProcessed.add(id + " " + kind);
            }
            if (!kind.valid && handler.processed.containsKey(id)) {
                invalidProcessed.add(id + " " + kind);
            }
        }
        assertThat(validDeadLettered).as("valid messages in the dead-letter queue").isEmpty();
        assertThat(validNotProcessed).as("valid messages not processed").isEmpty();
        assertThat(invalidProcessed).as("invalid messages processed").isEmpty();
        for (Kind kind : Kind.values()) {
            if (!kind.valid) {
                assertThat(deadLetteredByKind.get(kind)).as("dead letters of kind %s", kind).isEqualTo(sentByKind.get(kind));
            }
        }

        // Every dead letter says why, keeps its body and content type, and was retried only when the handler threw.
        List<String> badDeadLetters = new ArrayList<>();
        for (DeadLettered dead : deadLetters) {
            if (unknownDeadLetters.contains(dead.messageId())) {
                continue;
            }
            int seq = seqOf(dead.messageId());
            Kind kind = kindOf(seq);
            boolean poison = kind == Kind.POISON;
            List<String> problems = new ArrayList<>();
            if (dead.reason().isBlank()) {
                problems.add("no x-exception-message");
            }
            if (dead.failureClass().isBlank()) {
                problems.add("no x-warren-failure-class");
            }
            if (!queue.equals(dead.originalQueue())) {
                problems.add("x-original-queue " + dead.originalQueue());
            }
            if (!Arrays.equals(dead.body(), bodyOf(seq))) {
                problems.add("body changed (" + dead.body().length + " bytes)");
            }
            if (!Objects.equals(dead.contentType(), kind.contentType)) {
                problems.add("content type " + dead.contentType());
            }
            if (!dead.failureClass().equals(poison ? "unknown" : "permanent")) {
                problems.add("failure class " + dead.failureClass());
            }
            if (!String.valueOf(dead.attempts()).equals(String.valueOf(poison ? POISON_ATTEMPTS : 1))) {
                problems.add("x-warren-attempts " + dead.attempts());
            }
            if (poison ? !dead.reason().contains("IllegalArgumentException: quantity must not be negative")
                    : !dead.reason().startsWith("Body ")) {
                problems.add("unexpected reason");
            }
            // Only a body over the limit names it; the others failed to decode, whatever their size.
            if ((kind == Kind.OVER_LIMIT) != dead.reason().contains("(max-message-size)")) {
                problems.add("size limit reason on kind " + kind);
            }
            int calls = handler.calls.getOrDefault(dead.messageId(), 0);
            if (poison ? calls < POISON_ATTEMPTS : calls > 0) {
                problems.add(calls + " handler calls");
            }
            if (!problems.isEmpty()) {
                badDeadLetters.add(dead.messageId() + " " + kind + " " + problems + ": " + dead.reason());
            }
        }
        assertThat(badDeadLetters).as("dead letters without their reason, body or attempts").isEmpty();

        // The consumer never stopped: it is still registered and still processes a valid message.
        assertThat(engine.isRunning()).isTrue();
        assertThat(engine.consumerStats()).hasSize(1);
        QueueInformation info = admin.getQueueInfo(queue);
        assertThat(info).isNotNull();
        assertThat(info.getConsumerCount()).as("consumers on %s", queue).isEqualTo(1);
        assertThat(info.getMessageCount()).as("messages left in %s", queue).isZero();
        int last = MESSAGES;
        channel.basicPublish("", queue, true, properties(last, "application/json"),
                utf8("{\"id\":%d,\"sku\":\"SKU-%05d\",\"quantity\":1}".formatted(last, last)));
        channel.waitForConfirmsOrDie(10_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> handler.processed.containsKey(messageId(last)));
    }

    /** Publishes to the default exchange, mandatory, as a service in any language would. */
    private void publish(Channel channel, int seq) throws java.io.IOException {
        channel.basicPublish("", queue, true, properties(seq, kindOf(seq).contentType), bodyOf(seq));
    }

    private static AMQP.BasicProperties properties(int seq, String contentType) {
        return new AMQP.BasicProperties.Builder()
                .messageId(messageId(seq))
                .contentType(contentType)
                .deliveryMode(2)
                .timestamp(new java.util.Date())
                .build();
    }

    private static int messageCount(RabbitAdmin admin, String queue) {
        QueueInformation info = admin.getQueueInfo(queue);
        return info == null ? 0 : (int) info.getMessageCount();
    }

    /**
     * Reads every message in a queue on a channel of its own, without acknowledging any: they go back
     * to the queue when the channel closes. Pushed deliveries (the dead letters are a few MB in all),
     * not a basic.get each.
     */
    private List<DeadLettered> readAll(RabbitAdmin admin, String queue) throws Exception {
        int expected = messageCount(admin, queue);
        List<DeadLettered> read = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Channel reader = producerConnection.createChannel()) {
            // A prefetch that holds them all: quorum queues deliver only a limited batch to a consumer without one.
            reader.basicQos(Math.min(expected + 100, 65_535));
            reader.basicConsume(queue, false, (tag, delivery) -> {
                AMQP.BasicProperties properties = delivery.getProperties();
                Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
                read.add(new DeadLettered(String.valueOf(properties.getMessageId()), text(headers.get("x-exception-message")),
                        text(headers.get("x-warren-failure-class")), headers.get("x-warren-attempts"),
                        text(headers.get("x-original-queue")), properties.getContentType(), delivery.getBody()));
            }, tag -> {
            });
            await().atMost(Duration.ofSeconds(60)).alias("all " + expected + " messages of " + queue + " read")
                    .until(() -> read.size() >= expected);
        }
        return List.copyOf(read);
    }

    private static String text(Object header) {
        return header == null ? "" : header.toString();
    }
}
