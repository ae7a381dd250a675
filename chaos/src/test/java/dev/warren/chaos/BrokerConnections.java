package dev.warren.chaos;

import dev.warren.test.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The main broker's connections, found and closed with {@code rabbitmqctl}; a connection is
 * identified by the client-provided name its factory's {@code ConnectionNameStrategy} gave it.
 */
final class BrokerConnections {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Path WORKING_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"));

    private BrokerConnections() {
    }

    /**
     * A connection as {@code rabbitmqctl} lists it.
     *
     * @param pid the Erlang process id, which {@code close_connection} takes (RabbitMQ 3.x)
     * @param name the broker's name, e.g. {@code 127.0.0.1:47406 -> 127.0.0.1:5672}
     */
    record Connection(String pid, String name) {
    }

    /** The connections a client named so. */
    static List<Connection> named(String clientProvidedName) {
        String marker = "{\"connection_name\",\"" + clientProvidedName + "\"}";
        return ExternalCommand.succeed(COMMAND_TIMEOUT, WORKING_DIRECTORY, "rabbitmqctl", "-q", "list_connections", "pid",
                        "name", "client_properties")
                .output().lines()
                .filter(line -> line.contains(marker))
                .map(line -> line.split("\t", 3))
                .map(columns -> new Connection(columns[0], columns[1]))
                .toList();
    }

    /**
     * Closes the one connection a client named so, as an operator would.
     *
     * @return the closed connection
     * @throws IllegalStateException when there is not exactly one such connection
     */
    static Connection closeByClientName(String clientProvidedName, String reason) {
        List<Connection> found = named(clientProvidedName);
        if (found.size() != 1) {
            throw new IllegalStateException("Expected one connection named '" + clientProvidedName + "' but found " + found);
        }
        ExternalCommand.succeed(COMMAND_TIMEOUT, WORKING_DIRECTORY, "rabbitmqctl", "close_connection", found.get(0).pid(), reason);
        return found.get(0);
    }

    /**
     * Messages the broker has delivered on the channels of a client's connections and not yet seen
     * acknowledged. Read from the channels themselves: queue-level counts are emitted every few
     * seconds and lag behind.
     */
    static int unacknowledged(String clientProvidedName) {
        List<String> pids = named(clientProvidedName).stream().map(Connection::pid).toList();
        return ExternalCommand.succeed(COMMAND_TIMEOUT, WORKING_DIRECTORY, "rabbitmqctl", "-q", "list_channels", "connection",
                        "messages_unacknowledged")
                .output().lines()
                .map(line -> line.split("\t"))
                .filter(columns -> columns.length == 2 && pids.contains(columns[0]))
                .mapToInt(columns -> Integer.parseInt(columns[1].trim()))
                .sum();
    }
}
