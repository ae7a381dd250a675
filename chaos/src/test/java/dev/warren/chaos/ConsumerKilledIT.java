package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * A consumer process is killed with {@code kill -9} while it holds unacknowledged messages; the
 * broker redelivers them to the next consumer, so nothing is lost.
 */
class ConsumerKilledIT {

    private static final int MESSAGES = 400;
    /** The first consumer takes 20 ms per message: about 8 s for all, so it dies mid-stream. */
    private static final String SLOW_MILLIS = "20";
    private static final String FAST_MILLIS = "1";
    /** Each consumer process stops by itself after this, even if the test JVM died first. */
    private static final String LIFETIME_SECONDS = "180";

    final String queue = RabbitBroker.uniqueName("chaos.killed");
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final List<Process> consumers = new ArrayList<>();
    final Path workDir;
    WarrenEngine producer;

    ConsumerKilledIT() throws IOException {
        workDir = Files.createTempDirectory("warren-chaos-killed");
    }

    @AfterEach
    void close() throws Exception {
        for (Process process : consumers) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (producer != null) {
            producer.close();
            cleanup.queues(producer.topology().queues().stream().map(QueueSpec::name).toList());
        }
        cleanup.workQueue(queue).close();
        connectionFactory.destroy();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void messagesInFlightInAKilledConsumerAreProcessedByTheNextOne() throws Exception {
        Instant started = Instant.now();
        // Declares the queue as the consumer processes will; this engine only sends.
        producer = WarrenEngine.builder(connectionFactory)
                .handlers(new ConsumerMain.SlowHandler(Writer.nullWriter()))
                .nameResolver(v -> v.replace("${queue}", queue)).build();
        producer.declareTopology();

        Path firstIds = workDir.resolve("first.ids");
        Process first = startConsumer(firstIds, SLOW_MILLIS, "first");
        for (int id = 0; id < MESSAGES; id++) {
            producer.warren().send(queue, new Reading(id));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> lines(firstIds).size() >= MESSAGES / 4);
        int unacknowledged = BrokerConnections.unacknowledged(ConsumerMain.connectionName(first.pid()));
        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("the first consumer died").isTrue();
        int processedByFirst = lines(firstIds).size();
        System.out.printf("CHAOS kill -9 consumer pid %d after %d messages, with %d unacknowledged%n", first.pid(),
                processedByFirst, unacknowledged);

        Path secondIds = workDir.resolve("second.ids");
        startConsumer(secondIds, FAST_MILLIS, "second");
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> deliveries(firstIds, secondIds).size() == MESSAGES);
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }

        Tally tally = Tally.of(IntStream.range(0, MESSAGES).boxed().toList(), deliveries(firstIds, secondIds))
                .print("ConsumerKilledIT", Duration.between(started, Instant.now()));
        assertThat(unacknowledged).as("messages in flight when the consumer was killed").isPositive();
        assertThat(processedByFirst).isLessThan(MESSAGES);
        assertThat(tally.lost()).isZero();
        assertThat(tally.processed()).isEqualTo(MESSAGES);
    }

    private Process startConsumer(Path ids, String millisPerMessage, String role) throws IOException {
        Files.createFile(ids);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ConsumerMain.class.getName(), queue, ids.toString(), millisPerMessage, LIFETIME_SECONDS)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(role + ".log").toFile())
                .start();
        consumers.add(process);
        return process;
    }

    private static List<Integer> lines(Path ids) throws IOException {
        // The last line may be half written by a process that was just killed.
        return Files.readAllLines(ids).stream().filter(l -> l.matches("\\d+")).map(Integer::valueOf).toList();
    }

    private static Map<Integer, Integer> deliveries(Path... files) throws IOException {
        Map<Integer, Integer> deliveries = new HashMap<>();
        for (Path file : files) {
            for (int id : lines(file)) {
                deliveries.merge(id, 1, Integer::sum);
            }
        }
        return deliveries;
    }
}
