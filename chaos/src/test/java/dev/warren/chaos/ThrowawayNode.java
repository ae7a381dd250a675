package dev.warren.chaos;

import dev.warren.test.ExternalCommand;
import dev.warren.test.RabbitNodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * A RabbitMQ node of its own for a test that stops and starts brokers, so that the shared node on
 * 5672 is never touched. It runs the installed {@code rabbitmq-server} with its data, logs and
 * configuration in a temporary directory, shares the Erlang cookie and epmd of the shared node,
 * and is stopped and deleted by {@link #close()}.
 *
 * <pre>{@code
 * try (ThrowawayNode node = ThrowawayNode.start("wchaos", 5691)) {
 *     CachingConnectionFactory factory = node.connectionFactory();
 *     node.stopApp();
 *     node.startApp();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test's lifecycle thread drives it.
 */
final class ThrowawayNode implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final RabbitNodeProcess process;
    private final int amqpPort;

    private ThrowawayNode(RabbitNodeProcess process, int amqpPort) {
        this.process = process;
        this.amqpPort = amqpPort;
    }

    /**
     * Starts a node named {@code <name>@localhost} listening for AMQP on {@code amqpPort} (its
     * Erlang distribution port is {@code amqpPort + 20000}), without plugins, and waits until it
     * has booted.
     */
    static ThrowawayNode start(String name, int amqpPort) {
        String nodeName = name + "@localhost";
        stopLeftover(nodeName);
        RabbitNodeProcess process = RabbitNodeProcess.create(nodeName, "warren-chaos-" + name);
        try {
            Path directory = process.directory();
            Files.writeString(directory.resolve("rabbitmq.conf"), "listeners.tcp.default = " + amqpPort + "\n");
            Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
            // Replaces /etc/rabbitmq/rabbitmq-env.conf, which names the shared node.
            Files.writeString(directory.resolve("rabbitmq-env.conf"), "NODENAME=" + nodeName + "\n");
            process.start(amqpPort, amqpPort + 20_000);
            return new ThrowawayNode(process, amqpPort);
        } catch (IOException e) {
            process.close();
            throw new UncheckedIOException("Could not prepare a directory for node " + nodeName, e);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** @return the node's name, e.g. {@code wchaos@localhost} */
    String nodeName() {
        return process.nodeName();
    }

    /** A new connection factory for this node (guest/guest); the caller destroys it. */
    CachingConnectionFactory connectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1", amqpPort);
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory;
    }

    /** Stops the RabbitMQ application, closing every client connection; the Erlang node keeps running. */
    void stopApp() {
        ctl("stop_app");
    }

    /** Starts the RabbitMQ application again and waits until it accepts connections. */
    void startApp() {
        ctl("start_app");
        process.awaitStartup();
    }

    /** Makes this node a member of the seed's cluster, discarding its own data; it is running again afterwards. */
    void joinCluster(ThrowawayNode seed) {
        ctl("stop_app");
        ctl("reset");
        ctl("join_cluster", seed.nodeName());
        startApp();
    }

    /** @return the node's log file, in its temporary directory (deleted by {@link #close()}) */
    Path logFile() {
        return process.logFile();
    }

    /** @return the AMQP port */
    int amqpPort() {
        return amqpPort;
    }

    /** Runs {@code rabbitmqctl -n <node> <arguments>} and fails unless it succeeds. */
    String ctl(String... arguments) {
        return process.ctl(arguments);
    }

    /** Stops the node and deletes its directory. */
    @Override
    public void close() {
        process.close();
    }

    /** Stops a node of this name left running by an earlier, interrupted run; it is ours by its name. */
    private static void stopLeftover(String nodeName) {
        ExternalCommand.run(COMMAND_TIMEOUT, Path.of(System.getProperty("java.io.tmpdir")), Map.of(),
                "rabbitmqctl", "-n", nodeName, "stop");
    }
}
