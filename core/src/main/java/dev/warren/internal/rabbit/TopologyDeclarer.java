package dev.warren.internal.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.WarrenException;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import dev.warren.topology.TopologyConflictException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;

/**
 * Declares a {@link Topology} on the broker, idempotently, and turns the broker's terse
 * {@code PRECONDITION_FAILED} into an explanation with a fix.
 */
public final class TopologyDeclarer {

    private static final Logger log = LoggerFactory.getLogger(TopologyDeclarer.class);

    /** RabbitMQ: "inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received ... but current is ...". */
    private static final Pattern INEQUIVALENT = Pattern.compile(
            "inequivalent arg '([^']+)' for (queue|exchange) '([^']*)' in vhost '[^']*': received (.*) but current is (.*)");

    private final ConnectionFactory connectionFactory;

    public TopologyDeclarer(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /**
     * Declares everything on a new connection or the factory's current one.
     *
     * @throws TopologyConflictException when the broker holds a conflicting declaration
     * @throws WarrenException when the broker cannot be reached or refuses otherwise
     */
    public void declare(Topology topology) {
        try (Connection connection = connectionFactory.createConnection()) {
            declare(topology, connection);
        } catch (AmqpException e) {
            throw new WarrenException("Could not declare Warren's queues: RabbitMQ is not reachable ("
                    + e.getMessage() + "); start the broker or fix spring.rabbitmq.* / the connection factory", e);
        }
    }

    /** Declares everything on the given connection; used again whenever the connection is re-created. */
    public void declare(Topology topology, Connection connection) {
        for (ExchangeSpec exchange : topology.exchanges()) {
            run(connection, "exchange", exchange.name(),
                    channel -> channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null));
        }
        for (QueueSpec queue : topology.queues()) {
            run(connection, "queue", queue.name(),
                    channel -> channel.queueDeclare(queue.name(), true, false, false, queue.arguments()));
        }
        for (BindingSpec binding : topology.bindings()) {
            run(connection, "binding of queue", binding.queue(),
                    channel -> channel.queueBind(binding.queue(), binding.exchange(), binding.routingKey()));
        }
        log.info("Declared {} exchanges, {} queues and {} bindings", topology.exchanges().size(),
                topology.queues().size(), topology.bindings().size());
    }

    /** Declares one topic exchange, for a publish to a topic no handler of this application consumes. */
    public void declareExchange(ExchangeSpec exchange) {
        try (Connection connection = connectionFactory.createConnection()) {
            run(connection, "exchange", exchange.name(),
                    channel -> channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null));
        }
    }

    private interface Declaration {
        void apply(Channel channel) throws IOException;
    }

    private static void run(Connection connection, String kind, String name, Declaration declaration) {
        // A failed declaration closes its channel, so each one gets a channel of its own.
        Channel channel = connection.createChannel(false);
        try {
            declaration.apply(channel);
        } catch (IOException e) {
            throw explain(kind, name, e);
        } finally {
            RabbitUtils.closeChannel(channel);
        }
    }

    static WarrenException explain(String kind, String name, IOException failure) {
        ShutdownSignalException signal = findShutdownSignal(failure);
        String replyText = replyText(signal);
        if (replyText == null) {
            return new WarrenException("Could not declare " + kind + " '" + name + "': " + failure.getMessage(), failure);
        }
        Matcher matcher = INEQUIVALENT.matcher(replyText);
        if (matcher.find()) {
            String argument = matcher.group(1);
            String objectKind = matcher.group(2);
            String objectName = matcher.group(3);
            String wanted = matcher.group(4);
            String current = matcher.group(5);
            String fix = objectKind.equals("queue")
                    ? "Either delete the queue so that Warren declares it anew (rabbitmqctl delete_queue '" + objectName
                            + "'; move its messages first, they are deleted with it), or make Warren declare what the "
                            + "broker has: set the handler's queue type (@Consumer(queueType = ...) or "
                            + "warren.queues." + objectName + ".queue-type)."
                    : "Delete the exchange (rabbitmqctl delete_exchange '" + objectName
                            + "') or choose a topic name that no other exchange uses.";
            return new TopologyConflictException(objectName, argument,
                    "RabbitMQ already has " + objectKind + " '" + objectName + "' with a different '" + argument
                            + "': Warren declares " + wanted + ", but the broker's current value is " + current + ". " + fix,
                    failure);
        }
        return new WarrenException("RabbitMQ refused to declare " + kind + " '" + name + "': " + replyText, failure);
    }

    private static @Nullable ShutdownSignalException findShutdownSignal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException signal) {
                return signal;
            }
        }
        return null;
    }

    private static @Nullable String replyText(@Nullable ShutdownSignalException signal) {
        if (signal != null && signal.getReason() instanceof AMQP.Channel.Close close) {
            return close.getReplyText();
        }
        return signal != null ? signal.getMessage() : null;
    }
}
