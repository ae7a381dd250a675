package dev.warren.topology;

import dev.warren.WarrenException;
import java.util.List;

/**
 * In {@link TopologyMode#PASSIVE}, the broker's topology is not what Warren needs: exchanges,
 * queues or bindings are missing or have other types or arguments. Thrown at start-up with every
 * difference at once.
 *
 * @since 0.1
 */
public final class TopologyMismatchException extends WarrenException {

    private static final long serialVersionUID = 1L;

    private final List<String> differences;

    /**
     * Creates the exception.
     *
     * @param virtualHost the virtual host that was checked
     * @param differences each difference, such as {@code missing queue 'orders.dlq'}
     */
    public TopologyMismatchException(String virtualHost, List<String> differences) {
        super("The topology in virtual host '" + virtualHost + "' differs from what Warren needs ("
                + differences.size() + (differences.size() == 1 ? " difference" : " differences") + "):\n  - "
                + String.join("\n  - ", differences)
                + "\nCreate or correct these objects (export what Warren needs with WarrenEngine.fullTopology().toDefinitions(vhost) "
                + "or GET /actuator/warren/topology/definitions, then rabbitmqctl import_definitions), or let Warren "
                + "declare its topology (warren.topology.declare=declare).", null);
        this.differences = List.copyOf(differences);
    }

    /**
     * The differences.
     *
     * @return one entry per missing or different object
     */
    public List<String> differences() {
        return differences;
    }
}
