package dev.warren.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.warren.annotation.QueueType;
import dev.warren.test.RabbitBroker;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the benchmarks share: reading their system properties, connecting raw amqp-client,
 * pre-publishing and inspecting queues, taking medians and writing the Markdown report. Stateless.
 */
final class Benchmarks {

    /** How long pre-published messages may wait for their confirms. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(60);

    private static final String DEFAULT_EXCHANGE = "";

    private Benchmarks() {
    }

    /**
     * Reads a positive integer system property; {@code _} may group digits.
     *
     * @throws IllegalArgumentException naming the property and an example when it is not a positive integer
     */
    static int positiveProperty(String name, int defaultValue) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the property's name.
        }
        throw new IllegalArgumentException("System property " + name + " must be a positive integer but was '" + value
                + "'; e.g. -D" + name + "=" + defaultValue);
    }

    /** An amqp-client connection factory for the broker, which the caller's connections close. */
    static ConnectionFactory rawConnectionFactory(RabbitBroker broker) {
        // Not setUri(broker.uri()): amqp-client reads the path "/" as the empty virtual host.
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(broker.host());
        factory.setPort(broker.port());
        factory.setUsername(broker.username());
        factory.setPassword(broker.password());
        factory.setVirtualHost(broker.virtualHost());
        return factory;
    }

    /** A mapper configured as Warren's default, so that every contender decodes alike. */
    static JsonMapper consumerMapper() {
        return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** The JSON of {@link BenchmarkEvent#numbered} 0 to {@code messages - 1}, in order. */
    static List<byte[]> encode(JsonMapper mapper, int messages) {
        List<byte[]> bodies = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) {
            bodies.add(mapper.writeValueAsBytes(BenchmarkEvent.numbered(i)));
        }
        return bodies;
    }

    /**
     * Publishes every body as a persistent JSON message whose {@code message_id} is
     * {@code order-<index>}, and waits until the broker confirmed all. Puts the channel in confirm mode.
     */
    static void prePublish(Channel channel, String queue, List<byte[]> bodies)
            throws IOException, InterruptedException, TimeoutException {
        prePublish(channel, queue, bodies, index -> persistentJson(index).build());
    }

    /**
     * Publishes every body with the properties made for its index, waits until the broker confirmed
     * all and checks the queue's depth. Puts the channel in confirm mode.
     */
    static void prePublish(Channel channel, String queue, List<byte[]> bodies, IntFunction<AMQP.BasicProperties> properties)
            throws IOException, InterruptedException, TimeoutException {
        channel.confirmSelect();
        for (int i = 0; i < bodies.size(); i++) {
            channel.basicPublish(DEFAULT_EXCHANGE, queue, false, properties.apply(i), bodies.get(i));
        }
        channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
        requireDepth(channel, queue, bodies.size(), "pre-published messages");
    }

    /** The properties of a pre-published message: persistent JSON whose {@code message_id} is {@code order-<index>}. */
    static AMQP.BasicProperties.Builder persistentJson(int index) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId("order-" + index);
    }

    /** Where a benchmark ran, for its table: {@code 2025-01-31, 8 cores, Linux amd64, Java 17.0.15, broker 127.0.0.1:5672}. */
    static String machine(RabbitBroker broker) {
        return String.format(Locale.ROOT, "%s, %d cores, %s %s, Java %s, broker %s:%d",
                LocalDate.now(Clock.systemDefaultZone()), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                broker.host(), broker.port());
    }

    /** The number of ready messages in the queue. */
    static int depth(Channel channel, String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    /** Checks that the queue holds exactly {@code expected} ready messages, described as {@code what}. */
    static void requireDepth(Channel channel, String queue, int expected, String what) throws IOException {
        int depth = depth(channel, queue);
        if (depth != expected) {
            throw new IllegalStateException("Queue " + queue + " must hold the " + expected + " " + what + " but holds " + depth);
        }
    }

    /** The {@code x-queue-type} argument for a queue of the type. */
    static Map<String, Object> queueArguments(QueueType type) {
        return Map.of("x-queue-type", queueName(type));
    }

    /** The type as RabbitMQ names it: {@code quorum} or {@code classic}. */
    static String queueName(QueueType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** The median of the values; the mean of the middle two for an even count. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The values rounded and comma-separated, for a table's rounds column: {@code 12,345, 12,001}. */
    static String joined(double[] values, String format) {
        StringBuilder text = new StringBuilder();
        for (double value : values) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, format, value));
        }
        return text.toString();
    }

    /**
     * Writes the Markdown report when a path was given with {@code -Dreport}, and says where.
     *
     * @param reportPath the {@code report} property, or {@code null} or blank for no report
     */
    static void writeReport(@Nullable String reportPath, String markdown) throws IOException {
        if (reportPath == null || reportPath.isBlank()) {
            return;
        }
        // exec:java runs in Maven's JVM, so a relative path is relative to where mvnw was started.
        Path path = Path.of(reportPath).toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.writeString(path, markdown);
        System.out.println("Report written to " + path);
    }
}
