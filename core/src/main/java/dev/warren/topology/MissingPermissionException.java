package dev.warren.topology;

import dev.warren.WarrenException;
import java.util.List;

/**
 * The broker refused Warren access to queues or exchanges it needs: its user lacks a configure,
 * write or read permission. Thrown at start-up; the message names each refused queue or exchange
 * with the permission, the permissions Warren needs, and the {@code rabbitmqctl} command that grants
 * them.
 *
 * @since 0.1
 */
public final class MissingPermissionException extends WarrenException {

    private static final long serialVersionUID = 1L;

    private final List<String> refused;
    private final Permissions required;
    private final String rabbitmqctlCommand;

    /**
     * Creates the exception.
     *
     * @param refused each refusal, such as {@code configure access to queue 'orders.dlq'}
     * @param required the permissions Warren needs
     * @param user the broker user Warren connects as
     * @param virtualHost the virtual host
     */
    public MissingPermissionException(List<String> refused, Permissions required, String user, String virtualHost) {
        super("RabbitMQ user '" + user + "' lacks permissions Warren needs in virtual host '" + virtualHost + "': "
                + String.join("; ", refused) + ". Warren needs configure '" + required.configure() + "', write '"
                + required.write() + "', read '" + required.read() + "'. Grant them with: "
                + required.rabbitmqctlCommand(user, virtualHost), null);
        this.refused = List.copyOf(refused);
        this.required = required;
        this.rabbitmqctlCommand = required.rabbitmqctlCommand(user, virtualHost);
    }

    /**
     * What the broker refused.
     *
     * @return entries such as {@code configure access to queue 'orders.dlq'}
     */
    public List<String> refused() {
        return refused;
    }

    /**
     * The permissions Warren needs.
     *
     * @return the three expressions
     */
    public Permissions required() {
        return required;
    }

    /**
     * The command that fixes it.
     *
     * @return {@code rabbitmqctl set_permissions ...}
     */
    public String rabbitmqctlCommand() {
        return rabbitmqctlCommand;
    }
}
