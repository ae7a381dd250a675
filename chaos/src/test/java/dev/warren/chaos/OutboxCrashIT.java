package dev.warren.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxSettings;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application is killed with {@code kill -9} after its transactions committed and before its
 * outbox relay published them. The restarted application's relay publishes each committed message
 * exactly once, with its original message id; a transaction still open at the kill publishes nothing.
 */
class OutboxCrashIT {

    private static final int MESSAGES = 100;
    /** The writer process stops by itself after this, even if the test JVM died first. */
    private static final String LIFETIME_SECONDS = "180";

    final String queue = RabbitBroker.uniqueName("chaos.outbox");
    final PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("chaos_outbox");
    final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory);
    final Ledger ledger = new Ledger();
    final Path workDir;
    Process writer;
    WarrenEngine engine;
    Outbox relay;

    /** The consumer of the restarted application: what arrived, under which message id. */
    static final class Ledger {

        final Map<Integer, Integer> deliveries = new ConcurrentHashMap<>();
        final Map<Integer, Set<String>> messageIds = new ConcurrentHashMap<>();

        @Consumer(queue = "${queue}")
        void record(Reading reading, MessageContext context) {
            messageIds.computeIfAbsent(reading.id(), id -> ConcurrentHashMap.newKeySet()).add(String.valueOf(context.messageId()));
            deliveries.merge(reading.id(), 1, Integer::sum);
        }
    }

    OutboxCrashIT() throws IOException {
        dataSource.setUrl(schema.jdbcUrl());
        workDir = Files.createTempDirectory("warren-chaos-outbox");
    }

    @AfterEach
    void close() {
        List<Runnable> steps = List.of(
                () -> {
                    if (writer != null) {
                        writer.destroyForcibly();
                        waitFor(writer);
                    }
                },
                () -> {
                    if (relay != null) {
                        relay.close();
                    }
                },
                () -> {
                    if (engine != null) {
                        engine.close();
                        cleanup.queues(engine.topology().queues().stream().map(QueueSpec::name).toList());
                    }
                },
                () -> cleanup.workQueue(queue).close(),
                connectionFactory::destroy,
                schema::close,
                this::deleteWorkDir);
        RuntimeException first = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    void messagesCommittedBeforeAKillAreEachPublishedOnceByTheRestartedApplication() throws Exception {
        Instant started = Instant.now();
        jdbc.execute("CREATE TABLE orders (id INT PRIMARY KEY)");
        // The queue exists before anything is published; its consumer starts only at the end.
        engine = WarrenEngine.builder(connectionFactory).handlers(ledger).nameResolver(v -> v.replace("${queue}", queue))
                .build();
        engine.declareTopology();

        Path ids = workDir.resolve("committed.ids");
        Path log = workDir.resolve("writer.log");
        long writerStarted = System.currentTimeMillis();
        writer = startWriter(ids, log);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .failFast("the writer process exited early", () -> !writer.isAlive())
                .until(() -> Files.readString(log).contains(OutboxWriterMain.OPEN_MARKER));
        writer.destroyForcibly();
        assertThat(writer.waitFor(10, TimeUnit.SECONDS)).as("the writer died").isTrue();
        long killedAt = System.currentTimeMillis();
        // Its session's open transaction is rolled back once PostgreSQL notices the connection is gone.
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", Long.class,
                OutboxWriterMain.applicationName(writer.pid())) == 0);

        Map<Integer, String> committed = committedIds(ids);
        relay = new Outbox(dataSource, engine.warren(), JsonMapper.builder().build(),
                OutboxSettings.DEFAULTS.withPollInterval(Duration.ofMillis(200)));
        long depthAfterKill = relay.depth();
        long ordersAfterKill = jdbc.queryForObject("SELECT count(*) FROM orders", Long.class);
        int queuedAfterKill = messagesIn(queue);
        Set<String> outboxIds = Set.copyOf(jdbc.queryForList("SELECT message_id FROM warren_outbox WHERE sent_at IS NULL",
                String.class));
        System.out.printf("CHAOS kill -9 writer pid %d, %d ms after it started, after %d committed transactions, with 1 "
                + "open: outbox depth %d, orders %d, %d messages in %s%n", writer.pid(), killedAt - writerStarted,
                committed.size(), depthAfterKill, ordersAfterKill, queuedAfterKill, queue);
        assertThat(committed).as("transactions the writer committed").hasSize(MESSAGES);
        assertThat(depthAfterKill).as("committed and unpublished messages in the outbox").isEqualTo(MESSAGES);
        assertThat(ordersAfterKill).as("the open transaction's order was rolled back").isEqualTo(MESSAGES);
        assertThat(queuedAfterKill).as("nothing was published before the kill").isZero();
        assertThat(outboxIds).containsExactlyInAnyOrderElementsOf(committed.values());

        // The restarted application: a fresh relay on the same table publishes what the dead one left.
        relay.createTableIfMissing();
        relay.start();
        long relayStarted = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(60)).until(() -> relay.depth() == 0);
        long relayDrained = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(10)).until(() -> messagesIn(queue) >= MESSAGES);
        int queuedAfterRelay = messagesIn(queue);
        engine.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.deliveries.keySet().containsAll(committed.keySet()));
            // Anything more in the queue (a duplicate, the rolled-back message) is consumed too before counting.
            await().atMost(Duration.ofSeconds(10)).until(() -> messagesIn(queue) == 0);
        } catch (ConditionTimeoutException e) {
            // Whatever is still missing is counted as lost below, so that the counts print either way.
        }

        Tally tally = Tally.of(List.copyOf(committed.keySet()), ledger.deliveries)
                .print("OutboxCrashIT", Duration.between(started, Instant.now()));
        long sameIds = committed.entrySet().stream()
                .filter(e -> Set.of(e.getValue()).equals(ledger.messageIds.get(e.getKey()))).count();
        System.out.printf("CHAOS OutboxCrashIT relay published %d in %d ms (%d ms after the kill); queue held %d; "
                        + "%d of %d arrived with their original message id; rolled-back message arrived: %s%n",
                relay.published(), relayDrained - relayStarted, relayDrained - killedAt, queuedAfterRelay, sameIds, MESSAGES,
                ledger.deliveries.containsKey(MESSAGES));

        assertThat(tally.lost()).isZero();
        assertThat(tally.duplicated()).as("each message published once").isZero();
        assertThat(relay.published()).isEqualTo(MESSAGES);
        assertThat(queuedAfterRelay).isEqualTo(MESSAGES);
        assertThat(ledger.deliveries).as("the open transaction's message was never published").doesNotContainKey(MESSAGES);
        assertThat(sameIds).as("messages that arrived with their original message id").isEqualTo(MESSAGES);
    }

    private Process startWriter(Path ids, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OutboxWriterMain.class.getName(), queue, String.valueOf(MESSAGES), ids.toString(), LIFETIME_SECONDS)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put(OutboxWriterMain.JDBC_URL_VARIABLE, schema.jdbcUrl());
        return builder.start();
    }

    /** Reading id to message id, as the writer recorded them after each commit. */
    private static Map<Integer, String> committedIds(Path ids) throws IOException {
        Map<Integer, String> committed = new HashMap<>();
        for (String line : Files.readAllLines(ids)) {
            String[] columns = line.split(" ");
            if (columns.length == 2) {
                committed.put(Integer.valueOf(columns[0]), columns[1]);
            }
        }
        return committed;
    }

    private int messagesIn(String name) {
        QueueInformation information = new RabbitAdmin(connectionFactory).getQueueInfo(name);
        return information == null ? -1 : (int) information.getMessageCount();
    }

    private static void waitFor(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteWorkDir() {
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
