package dev.warren.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    /** The Debian package's scripts switch to this user when run as root; it must own the node's files. */
    private static final String RABBITMQ_USER = "rabbitmq";

    private final String nodeName;
    private final int amqpPort;
    private final Path directory;
    private final Thread stopOnExit;
    private boolean closed;

    private ThrowawayNode(String nodeName, int amqpPort, Path directory) {
        this.nodeName = nodeName;
        this.amqpPort = amqpPort;
        this.directory = directory;
        // If the test JVM exits without running close() (a killed build), do not leave a node behind.
        this.stopOnExit = new Thread(this::stopNode, "chaos-node-stop-" + nodeName);
    }

    /**
     * Starts a node named {@code <name>@localhost} listening for AMQP on {@code amqpPort} (its
     * Erlang distribution port is {@code amqpPort + 20000}), without plugins, and waits until it
     * has booted.
     */
    static ThrowawayNode start(String name, int amqpPort) {
        String nodeName = name + "@localhost";
        stopLeftover(nodeName);
        Path directory;
        try {
            directory = Files.createTempDirectory("warren-chaos-" + name);
            Files.createDirectories(directory.resolve("mnesia"));
            Files.createDirectories(directory.resolve("log"));
            Files.writeString(directory.resolve("rabbitmq.conf"), "listeners.tcp.default = " + amqpPort + "\n");
            Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
            // Replaces /etc/rabbitmq/rabbitmq-env.conf, which names the shared node.
            Files.writeString(directory.resolve("rabbitmq-env.conf"), "NODENAME=" + nodeName + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare a directory for node " + nodeName, e);
        }
        ThrowawayNode node = new ThrowawayNode(nodeName, amqpPort, directory);
        try {
            if ("root".equals(System.getProperty("user.name"))) {
                ExternalCommand.succeed(COMMAND_TIMEOUT, "chown", "-R", RABBITMQ_USER + ":" + RABBITMQ_USER, directory.toString());
            }
            Runtime.getRuntime().addShutdownHook(node.stopOnExit);
            ExternalCommand.run(COMMAND_TIMEOUT, Map.of(
                    "RABBITMQ_NODENAME", nodeName,
                    "RABBITMQ_NODE_PORT", String.valueOf(amqpPort),
                    "RABBITMQ_DIST_PORT", String.valueOf(amqpPort + 20_000),
                    "RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString(),
                    "RABBITMQ_LOG_BASE", directory.resolve("log").toString(),
                    "RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq").toString(),
                    "RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString(),
                    "RABBITMQ_CONF_ENV_FILE", directory.resolve("rabbitmq-env.conf").toString()),
                    "rabbitmq-server", "-detached").requireSuccess(List.of("rabbitmq-server", "-detached"));
            node.awaitStartup();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** @return the node's name, e.g. {@code wchaos@localhost} */
    String nodeName() {
        return nodeName;
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
        awaitStartup();
    }

    /** Makes this node a member of the seed's cluster, discarding its own data; it is running again afterwards. */
    void joinCluster(ThrowawayNode seed) {
        ctl("stop_app");
        ctl("reset");
        ctl("join_cluster", seed.nodeName);
        startApp();
    }

    /** @return the node's log file, in its temporary directory (deleted by {@link #close()}) */
    Path logFile() {
        return directory.resolve("log").resolve(nodeName + ".log");
    }

    /** @return the AMQP port */
    int amqpPort() {
        return amqpPort;
    }

    /** Runs {@code rabbitmqctl -n <node> <arguments>} and fails unless it succeeds. */
    String ctl(String... arguments) {
        String[] command = Stream.concat(Stream.of("rabbitmqctl", "-n", nodeName), Stream.of(arguments)).toArray(String[]::new);
        return ExternalCommand.succeed(COMMAND_TIMEOUT, command).output();
    }

    private void awaitStartup() {
        // The node registers with epmd a moment after -detached returns; until then await_startup fails at once.
        await().atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                ExternalCommand.run(COMMAND_TIMEOUT, Map.of(), "rabbitmqctl", "-n", nodeName, "await_startup",
                        "--timeout", "10").exitCode() == 0);
    }

    /** Stops the node and deletes its directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopNode();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // The JVM is already shutting down, or the hook was never added: nothing to remove.
            }
            deleteDirectory();
        }
    }

    private void stopNode() {
        ExternalCommand.Result stopped = ExternalCommand.run(COMMAND_TIMEOUT, Map.of(), "rabbitmqctl", "-n", nodeName, "stop");
        if (stopped.exitCode() != 0 && !stopped.output().contains("not running")) {
            System.err.printf("Could not stop node %s (%s); killing it by its pid file%n", nodeName, stopped.output());
            Path pidFile = directory.resolve("mnesia").resolve(nodeName + ".pid");
            try {
                if (Files.exists(pidFile)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            } catch (IOException | NumberFormatException e) {
                System.err.printf("Could not read %s: %s%n", pidFile, e);
            }
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + directory, e);
        }
    }

    /** Stops a node of this name left running by an earlier, interrupted run; it is ours by its name. */
    private static void stopLeftover(String nodeName) {
        ExternalCommand.run(COMMAND_TIMEOUT, Map.of(), "rabbitmqctl", "-n", nodeName, "stop");
    }
}
