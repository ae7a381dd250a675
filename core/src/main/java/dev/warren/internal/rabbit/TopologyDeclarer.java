package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.WarrenException;
import dev.warren.topology.BindingSpec;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.MissingPermissionException;
import dev.warren.topology.Permissions;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import dev.warren.topology.TopologyConflictException;
import dev.warren.topology.TopologyMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
 * {@code PRECONDITION_FAILED} and {@code ACCESS_REFUSED} into explanations with a fix. In
 * {@link TopologyMode#PASSIVE} it declares nothing: {@link TopologyCheck} checks instead.
 */
public final class TopologyDeclarer {

    private static final Logger log = LoggerFactory.getLogger(TopologyDeclarer.class);

    /** RabbitMQ: "inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received ... but current is ...". */
    private static final Pattern INEQUIVALENT = Pattern.compile(
            "inequivalent arg '([^']+)' for (queue|exchange) '([^']*)' in vhost '[^']*': received (.*) but current is (.*)");

    /** RabbitMQ 3.x: "access to queue 'q' in vhost 'v' refused for user 'u'"; later versions name the permission first. */
    private static final Pattern ACCESS_REFUSED = Pattern.compile(
            "(?:(configure|write|read) )?access to (queue|exchange) '([^']*)' in vhost '([^']*)' refused for user '([^']*)'");

    private final ConnectionFactory connectionFactory;
    private final TopologyMode mode;
    private final @Nullable Supplier<Topology> fullTopology;

    public TopologyDeclarer(ConnectionFactory connectionFactory) {
        this(connectionFactory, TopologyMode.DECLARE, null);
    }

    /**
     * @param fullTopology everything Warren needs, whose permissions the fix in a refusal's message
     *     grants together with those of what was being declared
     */
    public TopologyDeclarer(ConnectionFactory connectionFactory, TopologyMode mode, @Nullable Supplier<Topology> fullTopology) {
        this.connectionFactory = connectionFactory;
        this.mode = mode;
        this.fullTopology = fullTopology;
    }

    public TopologyMode mode() {
        return mode;
    }

    /**
     * Declares everything on a new connection or the factory's current one.
     *
     * @throws TopologyConflictException when the broker holds a conflicting declaration
     * @throws WarrenException when the broker cannot be reached or refuses otherwise
     */
    public void declare(Topology topology) {
        if (mode == TopologyMode.PASSIVE) {
            return;
        }
        try (Connection connection = connectionFactory.createConnection()) {
            declare(topology, connection);
        } catch (AmqpException e) {
            throw unreachable(e);
        }
    }

    private WarrenException unreachable(AmqpException e) {
        String text = String.valueOf(e.getMessage()) + (e.getCause() != null ? " " + e.getCause().getMessage() : "");
        if (text.contains("ACCESS_REFUSED") || text.contains("NOT_ALLOWED") || text.contains("access to vhost")) {
            return new WarrenException("RabbitMQ refused user '" + connectionFactory.getUsername() + "' access to virtual host '"
                    + connectionFactory.getVirtualHost() + "' (" + e.getMessage() + "). Check the user's password and grant it "
                    + "the permissions Warren needs: " + requiredFor(new Topology(List.of(), List.of(), List.of()))
                            .rabbitmqctlCommand(connectionFactory.getUsername(), connectionFactory.getVirtualHost()), e);
        }
        return new WarrenException(connectionFailure(e, usesTls(connectionFactory)), e);
    }


    private static boolean usesTls(ConnectionFactory connectionFactory) {
        return connectionFactory instanceof org.springframework.amqp.rabbit.connection.AbstractConnectionFactory factory
                && factory.getRabbitConnectionFactory().isSSL();
    }

    /**
     * Why the broker could not be reached and what to change. A refused TLS handshake gets its own
     * text: "not reachable" would send the operator looking at the network instead of certificates.
     */
    static String connectionFailure(AmqpException e, boolean tlsConnection) {
        javax.net.ssl.SSLException tls = tlsFailure(e);
        if (tls != null) {
            return "Could not declare Warren's queues: the TLS handshake with RabbitMQ failed (" + tls.getMessage()
                    + "); the broker's certificate must be signed by a CA in the trust material of the connection "
                    + "factory (spring.rabbitmq.ssl.bundle, or the JVM's trust store) and name the host connected to, "
                    + "and a broker that requires client certificates must get one from that bundle's key";
        }
        if (tlsConnection) {
            // With TLS 1.3 the client finishes its handshake before the broker checks the client's
            // certificate, so a broker that refuses it often shows up as a reset, not an alert.
            return "Could not declare Warren's queues: RabbitMQ is not reachable (" + e.getMessage() + "). The connection "
                    + "uses TLS: a broker that requires client certificates closes it like this when the client has none "
                    + "signed by a CA it trusts; give the SSL bundle of spring.rabbitmq.ssl.bundle the client's certificate "
                    + "and key. Otherwise start the broker or fix spring.rabbitmq.* / the connection factory";
        }
        return "Could not declare Warren's queues: RabbitMQ is not reachable (" + e.getMessage()
                + "); start the broker or fix spring.rabbitmq.* / the connection factory";
    }

    private static javax.net.ssl.@Nullable SSLException tlsFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException tls) {
                return tls;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** Declares everything on the given connection; used again whenever the connection is re-created. */
    public void declare(Topology topology, Connection connection) {
        if (mode == TopologyMode.PASSIVE) {
            return;
        }
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

    /**
     * Declares one at a time, so that a refusal names its object. Every refusal of access is
     * collected, so that one start-up lists all missing permissions; any other failure ends it.
     */
    private void declareOneByOne(Topology topology, Connection connection) {
        List<String> refused = new ArrayList<>();
        java.util.Set<String> failed = new java.util.HashSet<>();
        for (ExchangeSpec exchange : topology.exchanges()) {
            collect(refused, failed, exchange.name(), () -> run(connection, "exchange", exchange.name(),
                    channel -> channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null),
                    (kind, name) -> "configure"));
        }
        for (QueueSpec queue : topology.queues()) {
            collect(refused, failed, queue.name(), () -> run(connection, "queue", queue.name(),
                    channel -> channel.queueDeclare(queue.name(), true, false, false, queue.arguments()),
                    (kind, name) -> kind.equals("exchange") ? "write" : queueDeclarePermission(connection, queue)));
        }
        for (BindingSpec binding : topology.bindings()) {
            if (failed.contains(binding.exchange()) || failed.contains(binding.queue())) {
                continue;
            }
            collect(refused, failed, "", () -> run(connection, binding.toExchange() ? "binding of exchange" : "binding of queue",
                    binding.queue(), channel -> {
                        if (binding.toExchange()) {
                            channel.exchangeBind(binding.queue(), binding.exchange(), binding.routingKey());
                        } else {
                            channel.queueBind(binding.queue(), binding.exchange(), binding.routingKey());
                        }
                    }, (kind, name) -> bindingPermission(binding, kind, name)));
        }
        if (!refused.isEmpty()) {
            throw new MissingPermissionException(refused, requiredFor(topology), connectionFactory.getUsername(),
                    connectionFactory.getVirtualHost());
        }
    }

    /** The broker checks write on a binding's destination and read on its source exchange. */
    private static String bindingPermission(BindingSpec binding, String kind, String name) {
        boolean destination = binding.toExchange() ? kind.equals("exchange") && name.equals(binding.queue()) : kind.equals("queue");
        return destination ? "write" : "read";
    }

    /** What to grant: everything Warren needs, and what was being declared (a route to another service's queue, say). */
    private Permissions requiredFor(Topology declared) {
        Topology all = declared;
        if (fullTopology != null) {
            try {
                all = Topology.builder().include(fullTopology.get()).include(declared).build();
            } catch (WarrenException e) {
                all = fullTopology.get();
            }
        }
        return Permissions.of(all, mode);
    }

    private static void collect(List<String> refused, java.util.Set<String> failed, String name, Runnable declaration) {
        try {
            declaration.run();
        } catch (Refused refusal) {
            if (!refused.contains(refusal.getMessage())) {
                refused.add(refusal.getMessage());
            }
            failed.add(name);
        }
    }

    /**
     * Which permission a refused queue declaration lacked. RabbitMQ checks configure first, and for
     * a new queue that dead-letters, read on the queue next; 3.x does not say which it refused. A
     * {@code basic.get} on a queue that does not exist needs read and nothing else, so it tells.
     */
    private static String queueDeclarePermission(Connection connection, QueueSpec queue) {
        if (!queue.arguments().containsKey("x-dead-letter-exchange") || exists(connection, queue.name())) {
            return "configure";
        }
        Channel channel = null;
        try {
            channel = connection.getDelegate().createChannel();
            // Without auto-ack: should the queue have appeared meanwhile, its message goes back when the channel closes.
            channel.basicGet(queue.name(), false);
            return "configure";
        } catch (IOException e) {
            String reply = replyText(findShutdownSignal(e));
            return reply != null && reply.startsWith("ACCESS_REFUSED") ? "read (and perhaps configure)" : "configure";
        } finally {
            if (channel != null) {
                RabbitUtils.closeChannel(channel);
            }
        }
    }

    private static boolean exists(Connection connection, String queue) {
        Channel channel = null;
        try {
            channel = connection.getDelegate().createChannel();
            channel.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            if (channel != null) {
                RabbitUtils.closeChannel(channel);
            }
        }
    }

    /**
     * Checks, before the consumers start, that Warren may read its work and dead-letter queues and
     * publish to the default exchange, {@code warren.dlx} and the delay levels: the broker checks
     * those permissions when it creates a queue, not when it finds one in place, and a consumer
     * refused later would only log. Reading is tried with a {@code basic.get} whose message, if any,
     * is put back at once (on a quorum work queue only when it is empty, since a returned message
     * counts towards its delivery limit); publishing with an empty message whose routing key no queue or binding
     * has, which the broker drops. Every refusal is collected.
     *
     * @param refusedBefore refusals found while declaring, reported with any found now
     * @throws MissingPermissionException naming each refused queue or exchange and the fix
     */
    public void verifyAccess(Topology topology, List<String> refusedBefore) {
        List<String> refused = new ArrayList<>(refusedBefore);
        try (Connection connection = connectionFactory.createConnection(); Probe probe = new Probe(connection, refused)) {
            for (QueueSpec queue : topology.queues()) {
                if (Topology.DEAD_LETTER_EXCHANGE.equals(queue.arguments().get("x-dead-letter-exchange"))) {
                    probe.read(queue.name(), "quorum".equals(queue.arguments().get("x-queue-type")));
                    probe.read(QueueSpec.deadLetterQueueName(queue.name()), false);
                }
            }
            probe.write("");
            if (topology.exchanges().stream().anyMatch(exchange -> exchange.name().equals(Topology.DEAD_LETTER_EXCHANGE))) {
                probe.write(Topology.DEAD_LETTER_EXCHANGE);
            }
            probe.write(DelayedDelivery.ENTRY);
        } catch (AmqpException e) {
            throw unreachable(e);
        }
        if (!refused.isEmpty()) {
            throw new MissingPermissionException(refused, requiredFor(topology), connectionFactory.getUsername(),
                    connectionFactory.getVirtualHost());
        }
    }

    /** Tries reads and writes on one channel, opening another only after the broker closed it for a refusal. */
    private static final class Probe implements AutoCloseable {

        private static final String ROUTING_KEY = "warren.permission-check";

        private final Connection connection;
        private final List<String> refused;
        private @Nullable Channel channel;

        Probe(Connection connection, List<String> refused) {
            this.connection = connection;
            this.refused = refused;
        }

        /**
         * Tries to read, putting back at once what it got.
         *
         * @param countsReturns whether the queue counts a returned message as a delivery towards
         *     its {@code x-delivery-limit} (a quorum queue): such a queue is read only when empty,
         *     or every start of the application would bring its first message nearer the limit
         */
        void read(String queue, boolean countsReturns) {
            run("read", "queue", queue, channel -> {
                if (countsReturns && channel.queueDeclarePassive(queue).getMessageCount() > 0) {
                    return; // its consumer, starting next, finds a refusal out instead
                }
                com.rabbitmq.client.GetResponse response = channel.basicGet(queue, false);
                if (response != null) {
                    channel.basicReject(response.getEnvelope().getDeliveryTag(), true);
                }
            });
        }

        void write(String exchange) {
            run("write", "exchange", exchange.isEmpty() ? Permissions.DEFAULT_EXCHANGE : exchange, channel -> {
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .headers(java.util.Map.of(WarrenHeaders.PERMISSION_CHECK, true)).build();
                channel.basicPublish(exchange, ROUTING_KEY + "." + java.util.UUID.randomUUID(), properties, new byte[0]);
                // A round trip: the broker has handled the publish, and closed the channel if it refused it.
                channel.basicQos(0);
            });
        }

        private void run(String permission, String kind, String name, Declaration action) {
            try {
                if (channel == null || !channel.isOpen()) {
                    channel = connection.getDelegate().createChannel();
                    if (channel == null) {
                        throw new WarrenException("Could not open a channel to check access to " + kind + " '" + name + "'");
                    }
                }
                action.apply(channel);
            } catch (IOException e) {
                String reply = replyText(findShutdownSignal(e));
                String object = " access to " + kind + " '" + name + "'";
                // A declaration refused on the same object already named it.
                if (reply != null && reply.startsWith("ACCESS_REFUSED") && refused.stream().noneMatch(r -> r.endsWith(object))) {
                    refused.add(permission + object);
                }
                // Anything else (an exchange not declared yet, say) is not about permissions: the broker checks those first.
            }
        }

        @Override
        public void close() {
            if (channel != null) {
                RabbitUtils.closeChannel(channel);
            }
        }
    }

    /** Declares one topic exchange, for a publish to a topic no handler of this application consumes. */
    public void declareExchange(ExchangeSpec exchange) {
        try (Connection connection = connectionFactory.createConnection()) {
            if (mode == TopologyMode.PASSIVE) {
                requireExchange(connection, exchange);
                return;
            }
            try {
                run(connection, "exchange", exchange.name(),
                        channel -> channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, null),
                        (kind, name) -> "configure");
            } catch (Refused refusal) {
                throw new MissingPermissionException(List.of(refusal.getMessage()),
                        requiredFor(new Topology(List.of(exchange), List.of(), List.of())), connectionFactory.getUsername(),
                        connectionFactory.getVirtualHost());
            }
        }
    }

    private void requireExchange(Connection connection, ExchangeSpec exchange) {
        Channel channel = null;
        try {
            channel = connection.getDelegate().createChannel();
            if (channel == null) {
                throw new WarrenException("Could not open a channel to check exchange '" + exchange.name() + "': the "
                        + "connection has no channel left (channel_max)");
            }
            channel.exchangeDeclarePassive(exchange.name());
        } catch (IOException e) {
            throw new WarrenException("Exchange '" + exchange.name() + "' does not exist in virtual host '"
                    + connectionFactory.getVirtualHost() + "', and Warren declares nothing in passive topology mode; "
                    + "have it created (a durable " + exchange.type() + " exchange), or declare it with Warren's topology "
                    + "(WarrenEngine.Builder.declare) so that it is exported and checked at start-up", e);
        } finally {
            if (channel != null) {
                RabbitUtils.closeChannel(channel);
            }
        }
    }

    /** A refusal of access, described as "configure access to queue 'q'". */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String description, Throwable cause) {
            super(description, cause, false, false);
        }
    }

    /** Which permission a refusal of one object lacked, from the kind and name the broker reported. */
    private interface PermissionOf {
        String permission(String kind, String name);
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

    private static void run(Connection connection, String kind, String name, Declaration declaration, PermissionOf permissionOf) {
        // A failed declaration closes its channel, so each one gets a channel of its own: one of the client
        // itself, as the factory's proxy would log the refusal that this method explains as an error of its own.
        Channel channel;
        try {
            channel = connection.getDelegate().createChannel();
        } catch (IOException e) {
            throw new WarrenException("Could not open a channel to declare " + kind + " '" + name + "': " + e.getMessage(), e);
        }
        if (channel == null) {
            throw new WarrenException("Could not open a channel to declare " + kind + " '" + name + "': the connection has "
                    + "no channel left (channel_max)");
        }
        try {
            declaration.apply(channel);
        } catch (IOException e) {
            String reply = replyText(findShutdownSignal(e));
            Matcher refused = reply == null ? null : ACCESS_REFUSED.matcher(reply);
            if (refused != null && refused.find()) {
                RabbitUtils.closeChannel(channel);
                String permission = refused.group(1) != null ? refused.group(1)
                        : permissionOf.permission(refused.group(2), refused.group(3));
                throw new Refused(permission + " access to " + refused.group(2) + " '" + refused.group(3) + "'", e);
            }
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
            String fix = objectKind.equals("queue") && argument.equals(QueueSpec.DEAD_LETTER_STRATEGY)
                    ? "Warren declares quorum work queues with " + QueueSpec.DEAD_LETTER_STRATEGY + " = "
                            + QueueSpec.AT_LEAST_ONCE + " and the " + QueueSpec.OVERFLOW + " = " + QueueSpec.REJECT_PUBLISH
                            + " it needs, so that a message the broker dead-letters is not lost on the way to its .dlq; "
                            + "this queue was declared without them, by an earlier Warren or by hand. The broker cannot "
                            + "change a queue's arguments (a policy does not count for the declaration): move its messages "
                            + "to another queue (a shovel), delete it (rabbitmqctl delete_queue '" + objectName + "') and "
                            + "start again so that Warren declares it anew, then move the messages back."
                    : objectKind.equals("queue") && argument.equals(QueueSpec.OVERFLOW)
                    ? "Warren declares quorum work queues with " + QueueSpec.OVERFLOW + " = " + QueueSpec.REJECT_PUBLISH
                            + ", which their " + QueueSpec.DEAD_LETTER_STRATEGY + " = " + QueueSpec.AT_LEAST_ONCE + " needs. "
                            + "If the broker's queue is a classic queue (x-queue-type), make Warren declare what the broker "
                            + "has: set the handler's queue type (@Consumer(queueType = ...) or warren.queues." + objectName
                            + ".queue-type). Otherwise it was declared by an earlier Warren or by hand: move its messages to "
                            + "another queue (a shovel), delete it (rabbitmqctl delete_queue '" + objectName + "') and start "
                            + "again so that Warren declares it anew, then move the messages back."
                    : objectKind.equals("queue")
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
