package dev.warren.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxSettings;
import dev.warren.outbox.TransactionalWarren;
import dev.warren.test.PostgresDatabase;
import dev.warren.test.RabbitBroker;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publish throughput through the transactional outbox ÷ direct publishing, in one run: the same
 * ~1 KB events, each sent in a database transaction of its own that also inserts a business row
 * (as an order service would), once with Warren's publisher directly after the commit and once
 * through the outbox, whose relay publishes with confirms. A round ends when the broker holds
 * every message. Commits do not wait for the disk unless {@code -DdurableCommits=true}: with it,
 * both sides run at the disk's commit rate and the ratio says nothing about the outbox.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=dev.warren.benchmarks.OutboxBenchmark -Dmessages=10000
 * }</pre>
 */
public final class OutboxBenchmark {

    private OutboxBenchmark() {
    }

    /**
     * Runs the benchmark and prints the results.
     *
     * @param args ignored; settings are system properties
     * @throws Exception when a service is unreachable or a message is missing
     */
    public static void main(String[] args) throws Exception {
        int messages = Benchmarks.positiveProperty("messages", 10_000);
        int rounds = Benchmarks.positiveProperty("rounds", 3);
        RabbitBroker broker = RabbitBroker.get();
        String queue = RabbitBroker.uniqueName("warren.benchmark.outbox");
        CachingConnectionFactory factory = broker.connectionFactory();
        double[] direct = new double[rounds];
        double[] outboxed = new double[rounds];
        try (PostgresDatabase.Schema schema = PostgresDatabase.get().createSchema("bench_outbox");
                Connection admin = Benchmarks.rawConnectionFactory(broker).newConnection("warren-benchmark-outbox");
                WarrenEngine engine = WarrenEngine.builder(factory).build()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(schema.jdbcUrl());
            if (!Boolean.getBoolean("durableCommits")) {
                // Without it, every commit waits for the disk, which on a small machine takes tens of
                // milliseconds and hides what the outbox itself costs; -DdurableCommits=true measures with it.
                dataSource.setOptions("-c synchronous_commit=off");
            }
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            jdbc.execute("CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, payload TEXT)");
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            Outbox outbox = new Outbox(dataSource, engine.warren(), JsonMapper.builder().build(),
                    OutboxSettings.DEFAULTS.withPollInterval(Duration.ofMillis(50)));
            outbox.createTableIfMissing();
            outbox.start();
            Warren transactional = new TransactionalWarren(engine.warren(), outbox);
            try (Channel channel = admin.createChannel()) {
                channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic"));
                for (int round = 0; round < rounds; round++) {
                    direct[round] = run(channel, queue, messages, () -> {
                        CompletableFuture<?>[] sends = new CompletableFuture<?>[messages];
                        for (int i = 0; i < messages; i++) {
                            BenchmarkEvent event = BenchmarkEvent.numbered(i);
                            transactions.executeWithoutResult(status -> jdbc.update("INSERT INTO orders (payload) VALUES (?)",
                                    event.toString()));
                            sends[i] = engine.warren().sendAsync(queue, event);
                        }
                        CompletableFuture.allOf(sends).get(60, TimeUnit.SECONDS);
                    });
                    outboxed[round] = run(channel, queue, messages, () -> {
                        for (int i = 0; i < messages; i++) {
                            BenchmarkEvent event = BenchmarkEvent.numbered(i);
                            transactions.executeWithoutResult(status -> {
                                jdbc.update("INSERT INTO orders (payload) VALUES (?)", event.toString());
                                transactional.send(queue, event);
                            });
                        }
                    });
                }
                channel.queueDelete(queue);
            } finally {
                outbox.close();
            }
        } finally {
            factory.destroy();
        }
        double directRate = Benchmarks.median(direct);
        double outboxRate = Benchmarks.median(outboxed);
        System.out.printf(Locale.ROOT, "%nOutbox benchmark, %s, %,d messages per round, median of %d, %s commits%n",
                Benchmarks.machine(broker), messages, rounds, Boolean.getBoolean("durableCommits") ? "durable" : "asynchronous");
        System.out.printf(Locale.ROOT, "direct sendAsync after each commit  %,10.0f msg/s  rounds %s%n", directRate,
                Benchmarks.joined(direct, "%,.0f"));
        System.out.printf(Locale.ROOT, "through the outbox (relay, confirms) %,10.0f msg/s  rounds %s  %.2fx direct%n", outboxRate,
                Benchmarks.joined(outboxed, "%,.0f"), outboxRate / directRate);
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Runs the work and waits until the queue holds every message; returns msg/s and purges the queue. */
    private static double run(Channel channel, String queue, int messages, Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Benchmarks.depth(channel, queue) < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + Benchmarks.depth(channel, queue) + " of " + messages + " arrived");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        channel.queuePurge(queue);
        return messages / seconds;
    }
}
