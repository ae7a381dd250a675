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
        long started = System.nanoTime();
        boolean pipelined = declarePipelined(topology, connection);
        if (!pipelined) {
            declareOneByOne(topology, connection);
        }
        log.info("Declared {} exchanges, {} queues and {} bindings in {} ms", topology.exchanges().size(),
                topology.queues().size(), topology.bindings().size(),
                java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * The fast path: sends the declarations of each kind without waiting for each reply, spread over
     * a few channels, and ends each channel's batch with one call that waits. A channel processes its
     * commands in order, so when that call returns, every declaration before it succeeded. Exchanges
     * and queues are all declared before the first binding is sent.
     *
     * @return {@code false} when the broker refused something; the slow path then finds out what and
     *     explains it
     */
    private static boolean declarePipelined(Topology topology, Connection connection) {
        try {
            runBatches(connection, topology.exchanges(), (channel, exchange) ->
                    channel.exchangeDeclareNoWait(exchange.name(), exchange.type(), true, false, false, null));
            runBatches(connection, topology.queues(), (channel, queue) ->
                    channel.queueDeclareNoWait(queue.name(), true, false, false, queue.arguments()));
            runBatches(connection, topology.bindings(), (channel, binding) -> {
                if (binding.toExchange()) {
                    channel.exchangeBindNoWait(binding.queue(), binding.exchange(), binding.routingKey(), null);
                } else {
                    channel.queueBindNoWait(binding.queue(), binding.exchange(), binding.routingKey(), null);
                }
            });
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("A pipelined declaration failed ({}); declaring one by one to find which", e.toString());
            return false;
        }
    }

    private interface BatchDeclaration<T> {
        void apply(Channel channel, T item) throws IOException;
    }

    private static <T> void runBatches(Connection connection, java.util.List<T> items, BatchDeclaration<T> declaration)
            throws IOException {
        if (items.isEmpty()) {
            return;
        }
        int lanes = Math.min(PIPELINE_CHANNELS, (items.size() + MIN_BATCH - 1) / MIN_BATCH);
        java.util.List<java.util.concurrent.CompletableFuture<Void>> batches = new java.util.ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            java.util.List<T> batch = new java.util.ArrayList<>();
            for (int i = lane; i < items.size(); i += lanes) {
                batch.add(items.get(i));
            }
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            batches.add(done);
            Runnable send = () -> {
                // A channel of the client itself, not the factory's cached proxy, which would quietly
                // swap in a fresh channel for one the broker closed and so hide a refused declaration.
                Channel channel = null;
                try {
                    channel = connection.getDelegate().createChannel();
                    if (channel == null) {
                        throw new IOException("the connection has no channel left");
                    }
                    for (T item : batch) {
                        declaration.apply(channel, item);
                    }
                    // Waits for its reply, and so for every declaration sent before it on this channel.
                    channel.basicQos(0);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                } finally {
                    if (channel != null) {
                        RabbitUtils.closeChannel(channel);
                    }
                }
            };
            if (lane == lanes - 1) {
                send.run();
            } else {
                Thread thread = new Thread(send, "warren-declare-" + lane);
                thread.setDaemon(true);
                thread.start();
            }
        }
        for (java.util.concurrent.CompletableFuture<Void> batch : batches) {
            try {
                batch.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
    }

    /** Channels that declare side by side on the fast path; the broker creates queues in parallel across channels. */
    private static final int PIPELINE_CHANNELS = 4;
    /** Below this many declarations per channel, another channel costs more than it saves. */
    private static final int MIN_BATCH = 50;

    private static void declareOneByOne(Topology topology, Connection connection) {
        for (ExchangeSpec exchange : topology.exchanges()) {
            run(connection, "exchange", exchange.name(),
                    channel -> channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null));
        }
        for (QueueSpec queue : topology.queues()) {
            run(connection, "queue", queue.name(),
                    channel -> channel.queueDeclare(queue.name(), true, false, false, queue.arguments()));
        }
        for (BindingSpec binding : topology.bindings()) {
            run(connection, binding.toExchange() ? "binding of exchange" : "binding of queue", binding.queue(),
                    channel -> {
                        if (binding.toExchange()) {
                            channel.exchangeBind(binding.queue(), binding.exchange(), binding.routingKey());
                        } else {
                            channel.queueBind(binding.queue(), binding.exchange(), binding.routingKey());
                        }
                    });
        }
    }

    /** Declares one topic exchange, for a publish to a topic no handler of this application consumes. */
    public void declareExchange(ExchangeSpec exchange) {
        try (Connection connection = connectionFactory.createConnection()) {
            run(connection, "exchange", exchange.name(),
                    channel -> channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null));
        }
    }

    /**
     * Whether the broker has a queue of this name, by passive declaration on a channel of its own
     * (a missing queue closes the channel).
     *
     * @throws WarrenException when the broker cannot be reached
     */
    public boolean queueExists(String queue) {
        try (Connection connection = connectionFactory.createConnection()) {
            Channel channel = connection.getDelegate().createChannel();
            if (channel == null) {
                throw new WarrenException("RabbitMQ refused a new channel: the connection has reached its channel limit");
            }
            try {
                channel.queueDeclarePassive(queue);
                return true;
            } catch (IOException e) {
                ShutdownSignalException signal = findShutdownSignal(e);
                if (signal != null && signal.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == 404) {
                    return false;
                }
                throw e;
            } finally {
                RabbitUtils.closeChannel(channel);
            }
        } catch (IOException | AmqpException e) {
            throw new WarrenException("Could not look up queue '" + queue + "': " + e.getMessage(), e);
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
