package dev.warren.benchmarks;

import com.rabbitmq.client.ConnectionFactory;
import dev.warren.test.RabbitBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the benchmarks share: reading their system properties, connecting raw amqp-client, taking
 * medians and writing the Markdown report. Stateless.
 */
final class Benchmarks {

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
