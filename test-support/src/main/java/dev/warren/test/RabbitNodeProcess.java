package dev.warren.test;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A {@code rabbitmq-server} process of a test's own, with its data and logs in a temporary
 * directory, so that the machine's shared node is never touched. {@link #create} makes the
 * directory; the caller writes {@code rabbitmq.conf}, {@code enabled_plugins} and
 * {@code rabbitmq-env.conf} into it (the last replaces {@code /etc/rabbitmq/rabbitmq-env.conf},
 * which names the shared node) and calls {@link #start}. {@link #close()} stops the node (by its own
 * pid file if {@code rabbitmqctl stop} fails, never by name) and deletes the directory; so does a
 * shutdown hook if the JVM exits first.
 *
 * <pre>{@code
 * RabbitNodeProcess process = RabbitNodeProcess.create("mynode@localhost", "warren-mynode");
 * try {
 *     Files.writeString(process.directory().resolve("rabbitmq.conf"), "listeners.tcp.default = 5699\n");
 *     Files.writeString(process.directory().resolve("enabled_plugins"), "[].\n");
 *     Files.writeString(process.directory().resolve("rabbitmq-env.conf"), "NODENAME=mynode@localhost\n");
 *     process.start(5699, 25699);
 * } catch (IOException | RuntimeException e) {
 *     process.close();
 *     throw e;
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test lifecycle drives it. Needs {@code rabbitmq-server}; without it
 * {@link #start} fails and says what to install.
 *
 * @since 0.1
 */
public final class RabbitNodeProcess implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    /** The Debian package's scripts switch to this user when run as root; it must be able to read the node's files. */
    private static final String RABBITMQ_USER = "rabbitmq";
    private static final List<Path> SERVER_LOCATIONS = List.of(Path.of("/usr/sbin/rabbitmq-server"),
            Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server"), Path.of("/usr/local/sbin/rabbitmq-server"));

    private final String nodeName;
    private final Path directory;
    private final Thread stopOnExit;
    private boolean started;
    private boolean closed;

    private RabbitNodeProcess(String nodeName, Path directory) {
        this.nodeName = nodeName;
        this.directory = directory;
        // If the test JVM exits without close() (a killed build), the node must not outlive it.
        this.stopOnExit = new Thread(this::stopNode, "warren-node-stop-" + nodeName);
    }

    /**
     * Makes the node's temporary directory, with its {@code mnesia} and {@code log} folders; the node
     * does not run yet.
     *
     * @param nodeName the node's name, e.g. {@code warren-tls-1a2b3c4d@localhost}
     * @param directoryPrefix the start of the directory's name
     * @return the process, to be configured, started and closed
     */
    public static RabbitNodeProcess create(String nodeName, String directoryPrefix) {
        Path directory;
        try {
            directory = Files.createTempDirectory(directoryPrefix);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for RabbitMQ node " + nodeName, e);
        }
        try {
            Files.createDirectories(directory.resolve("mnesia"));
            Files.createDirectories(directory.resolve("log"));
        } catch (IOException e) {
            deleteDirectory(directory);
            throw new UncheckedIOException("Could not prepare a directory for RabbitMQ node " + nodeName, e);
        }
        return new RabbitNodeProcess(nodeName, directory);
    }

    /**
     * Starts {@code rabbitmq-server -detached} with the files in {@link #directory()} and waits
     * until the node has booted and answers on each of {@code listeners}.
     *
     * @param nodePort the port given as {@code RABBITMQ_NODE_PORT}
     * @param distributionPort the Erlang distribution port
     * @param listeners ports on 127.0.0.1 that must accept connections before this returns
     * @throws IllegalStateException when rabbitmq-server is missing (saying what to install) or the
     *     node does not start (with the end of its log); close this process either way
     */
    public void start(int nodePort, int distributionPort, int... listeners) {
        String server = rabbitmqServer();
        if ("root".equals(System.getProperty("user.name"))) {
            ExternalCommand.succeed(COMMAND_TIMEOUT, directory, "chown", "-R", RABBITMQ_USER + ":" + RABBITMQ_USER,
                    directory.toString());
        }
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        started = true;
        ExternalCommand.run(COMMAND_TIMEOUT, directory, Map.of(
                "RABBITMQ_NODENAME", nodeName,
                "RABBITMQ_NODE_PORT", String.valueOf(nodePort),
                "RABBITMQ_DIST_PORT", String.valueOf(distributionPort),
                "RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString(),
                "RABBITMQ_LOG_BASE", directory.resolve("log").toString(),
                "RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString(),
                "RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString(),
                "RABBITMQ_PID_FILE", pidFile().toString(),
                "RABBITMQ_CONF_ENV_FILE", directory.resolve("rabbitmq-env.conf").toString()),
                server, "-detached").requireSuccess(List.of(server, "-detached"));
        awaitStartup();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    IntStream.of(listeners).allMatch(port -> Services.answers("127.0.0.1", port)));
        } catch (ConditionTimeoutException e) {
            throw notStarted(e);
        }
    }

    /**
     * Waits until the RabbitMQ application runs, e.g. after {@code rabbitmqctl start_app}.
     *
     * @throws IllegalStateException when it does not within two minutes, with the end of the node's log
     */
    public void awaitStartup() {
        try {
            // The node registers with epmd a moment after -detached returns; until then await_startup fails at once.
            await().atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                    ExternalCommand.run(COMMAND_TIMEOUT, directory, Map.of(), "rabbitmqctl", "-n", nodeName, "await_startup",
                            "--timeout", "10").exitCode() == 0);
        } catch (ConditionTimeoutException e) {
            throw notStarted(e);
        }
    }

    /** @return the node's name, e.g. {@code warren-tls-1a2b3c4d@localhost} */
    public String nodeName() {
        return nodeName;
    }

    /** @return the temporary directory of the node's files (deleted by {@link #close()}) */
    public Path directory() {
        return directory;
    }

    /** @return the node's log file, in its temporary directory (deleted by {@link #close()}) */
    public Path logFile() {
        return directory.resolve("log").resolve(nodeName + ".log");
    }

    /**
     * Runs {@code rabbitmqctl -n <node> <arguments>}.
     *
     * @param arguments the command and its arguments, e.g. {@code list_connections ssl}
     * @return its output
     * @throws IllegalStateException unless it succeeds
     */
    public String ctl(String... arguments) {
        String[] command = Stream.concat(Stream.of("rabbitmqctl", "-n", nodeName), Stream.of(arguments)).toArray(String[]::new);
        return ExternalCommand.succeed(COMMAND_TIMEOUT, directory, command).output();
    }

    /** Stops the node, if it was started, and deletes its directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (started) {
                stopNode();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // The JVM is already shutting down, or the hook was never added: nothing to remove.
            }
            deleteDirectory(directory);
        }
    }

    private IllegalStateException notStarted(ConditionTimeoutException cause) {
        return new IllegalStateException("RabbitMQ node " + nodeName + " did not start within " + STARTUP_TIMEOUT
                + "; the end of its log:\n" + logTail(), cause);
    }

    private Path pidFile() {
        return directory.resolve("node.pid");
    }

    private void stopNode() {
        ExternalCommand.Result stopped = ExternalCommand.run(COMMAND_TIMEOUT, directory, Map.of(),
                "rabbitmqctl", "-n", nodeName, "stop");
        if (stopped.exitCode() != 0 && !stopped.output().contains("not running")) {
            // Killed by its own pid file only: never anything found by name.
            Path pidFile = pidFile();
            try {
                if (Files.exists(pidFile)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            } catch (IOException | NumberFormatException e) {
                System.err.printf("Could not stop RabbitMQ node %s (%s), nor read %s: %s%n", nodeName, stopped.output(), pidFile, e);
            }
        }
    }

    private String logTail() {
        try {
            if (!Files.exists(logFile())) {
                return "(no log at " + logFile() + ")";
            }
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile() + ": " + e + ")";
        }
    }

    private static void deleteDirectory(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + directory, e);
        }
    }

    private static String rabbitmqServer() {
        return rabbitmqServer(SERVER_LOCATIONS, System.getenv("PATH"));
    }

    /** The rabbitmq-server script: at a package's usual location, else on the path; else a failure saying what to install. */
    static String rabbitmqServer(List<Path> locations, @Nullable String path) {
        for (Path candidate : locations) {
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(entry, "rabbitmq-server");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new IllegalStateException("rabbitmq-server is not installed, and this test starts a RabbitMQ node of its "
                + "own with it (the shared broker is left alone): install the rabbitmq-server package "
                + "(apt-get install rabbitmq-server), which also brings rabbitmqctl");
    }
}
