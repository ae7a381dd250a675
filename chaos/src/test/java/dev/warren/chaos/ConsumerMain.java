package dev.warren.chaos;

import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.test.RabbitBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * A Warren consumer in its own JVM, for {@link ConsumerKilledIT} to kill with {@code kill -9}. It
 * consumes a queue slowly, appends the id of each processed reading to a file before the
 * message is acknowledged, and stops by itself after its lifetime.
 *
 * <pre>{@code
 * java -cp <test class path> dev.warren.chaos.ConsumerMain <queue> <processed-ids-file> <millis-per-message> <lifetime-seconds>
 * }</pre>
 */
public final class ConsumerMain {

    /** Prefetch of the slow consumer: how many messages it holds unacknowledged when it is killed. */
    static final int PREFETCH = 20;

    private ConsumerMain() {
    }

    /** The handler, also registered (not started) by the test to declare the same queue. */
    static final class SlowHandler {

        private final Writer processed;

        SlowHandler(Writer processed) {
            this.processed = processed;
        }

        @Consumer(queue = "${queue}", prefetch = PREFETCH)
        void consume(Reading reading) {
            synchronized (processed) {
                try {
                    // Written and flushed before the handler returns, i.e. before the acknowledgement:
                    // a kill between the two leaves the id in the file and the message in the queue.
                    processed.write(reading.id() + "\n");
                    processed.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The client-provided name of the connection of the consumer process with this pid. */
    static String connectionName(long pid) {
        return "warren-chaos-consumer-main-" + pid;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ConsumerMain <queue> <processed-ids-file> <millis-per-message> <lifetime-seconds>");
        }
        String queue = args[0];
        Path file = Path.of(args[1]);
        Duration perMessage = Duration.ofMillis(Long.parseLong(args[2]));
        Duration lifetime = Duration.ofSeconds(Long.parseLong(args[3]));
        CountDownLatch stop = new CountDownLatch(1);
        try (Writer processed = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
            connectionFactory.setConnectionNameStrategy(f -> connectionName(ProcessHandle.current().pid()));
            // Slow by Warren's own rate limit rather than by sleeping: the process dies with a prefetch of
            // messages in flight, unacknowledged.
            int perSecond = (int) Math.max(1, 1_000 / Math.max(1, perMessage.toMillis()));
            WarrenEngine engine = WarrenEngine.builder(connectionFactory).handlers(new SlowHandler(processed))
                    .nameResolver(v -> v.replace("${queue}", queue))
                    .consumerCustomizer((name, settings) -> settings.withRateLimit(
                            new dev.warren.protection.RateLimit(perSecond, Duration.ofSeconds(1))))
                    .build();
            // A plain kill (SIGTERM) stops consuming cleanly; kill -9 skips this, which is the point of the test.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                engine.close();
                connectionFactory.destroy();
            }, "consumer-main-stop"));
            engine.start();
            System.out.println("CONSUMER-MAIN started on " + queue);
            stop.await(lifetime.toMillis(), TimeUnit.MILLISECONDS);
            System.out.println("CONSUMER-MAIN lifetime of " + lifetime + " is over");
        }
        System.exit(0);
    }
}
