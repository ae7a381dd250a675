package dev.warren.chaos;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxSettings;
import dev.warren.outbox.TransactionalWarren;
import dev.warren.test.RabbitBroker;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * An application in its own JVM, for {@link OutboxCrashIT} to kill with {@code kill -9} after it
 * committed and before it published. In {@code count} transactions it inserts an order row and sends
 * one reading through {@link TransactionalWarren}; after each commit it appends
 * {@code <reading id> <message id>} to a file. Its outbox relay is never started, so nothing is
 * published: the process "dies" between the commit and the publish. Then it opens one more
 * transaction, writes an order and a message in it, prints {@value #OPEN_MARKER} and waits there
 * until it is killed, or until its lifetime is over.
 *
 * <p>The JDBC URL comes in the environment variable {@value #JDBC_URL_VARIABLE}, not on the command
 * line, where {@code ps} would show its credentials.
 *
 * <pre>{@code
 * WARREN_CHAOS_JDBC_URL=jdbc:postgresql://... java -cp <test class path> dev.warren.chaos.OutboxWriterMain <queue> <count> <ids-file> <lifetime-seconds>
 * }</pre>
 */
public final class OutboxWriterMain {

    static final String JDBC_URL_VARIABLE = "WARREN_CHAOS_JDBC_URL";
    /** Printed when the committed messages are all written and the last transaction is open. */
    static final String OPEN_MARKER = "OUTBOX-WRITER transaction open";

    private OutboxWriterMain() {
    }

    /** The PostgreSQL application_name of the writer process with this pid, to find its session. */
    static String applicationName(long pid) {
        return "warren-chaos-outbox-writer-" + pid;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: OutboxWriterMain <queue> <count> <ids-file> <lifetime-seconds>");
        }
        String queue = args[0];
        int count = Integer.parseInt(args[1]);
        Path file = Path.of(args[2]);
        Duration lifetime = Duration.ofSeconds(Long.parseLong(args[3]));
        String url = System.getenv(JDBC_URL_VARIABLE);
        if (url == null) {
            throw new IllegalArgumentException(JDBC_URL_VARIABLE + " is not set");
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setApplicationName(applicationName(ProcessHandle.current().pid()));
        CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
        // The application's engine: it would publish directly outside transactions, and its relay would
        // publish the outbox. This process never gets that far.
        WarrenEngine engine = WarrenEngine.builder(connectionFactory).build();
        Outbox outbox = new Outbox(dataSource, engine.warren(), JsonMapper.builder().build(), OutboxSettings.DEFAULTS);
        outbox.createTableIfMissing();
        // outbox.start() is deliberately not called: the relay never runs in this process.
        Warren warren = new TransactionalWarren(engine.warren(), outbox);
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        try (Writer ids = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            for (int id = 0; id < count; id++) {
                int orderId = id;
                String messageId = transaction.execute(status -> {
                    jdbc.update("INSERT INTO orders (id) VALUES (?)", orderId);
                    return warren.send(queue, new Reading(orderId)).messageId();
                });
                ids.write(orderId + " " + messageId + "\n");
                ids.flush();
            }
        }
        System.out.println("OUTBOX-WRITER committed " + count + " transactions to " + queue);

        CountDownLatch killed = new CountDownLatch(1);
        transaction.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO orders (id) VALUES (?)", count);
            warren.send(queue, new Reading(count));
            System.out.println(OPEN_MARKER);
            System.out.flush();
            try {
                // Waits for kill -9 inside the transaction, which PostgreSQL then rolls back.
                killed.await(lifetime.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Still alive after its lifetime: the test is gone; leave nothing committed.
            status.setRollbackOnly();
        });
        System.out.println("OUTBOX-WRITER lifetime of " + lifetime + " is over");
        engine.close();
        connectionFactory.destroy();
        System.exit(0);
    }
}
