package dev.warren.internal.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.WarrenException;
import dev.warren.internal.Threads;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishException.Reason;
import dev.warren.publish.PublisherSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Publishes raw AMQP messages with publisher confirms tracked asynchronously, on a few long-lived
 * channels ("lanes") of the connection factory's connection.
 *
 * <p>Why not {@code RabbitTemplate}: with correlated confirms a channel that still awaits confirms
 * cannot go back to the cache, so under load every publish opens a channel. A lane keeps its
 * channel and pipelines publishes, matching confirms by sequence number as they arrive. Connection
 * recovery stays spring-rabbit's: a lane whose channel closed takes a fresh one from the factory's
 * current connection on its next publish.
 *
 * <p>Threads: {@link #publish} is called from any thread; a lane's lock makes the sequence number
 * and the publish one step, as amqp-client requires per channel. Confirms and returns arrive on
 * the broker I/O thread, which only records them; futures complete on the single
 * {@code warren-publisher-confirms} thread, so callers' callbacks never run on an I/O thread. A
 * callback that blocks delays every other caller's confirms: do slow work with {@code thenApplyAsync}.
 */
public final class PublisherChannels implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PublisherChannels.class);

    private static final long SWEEP_INTERVAL_MILLIS = 200;

    private final ConnectionFactory connectionFactory;
    private final PublisherSettings settings;
    private final Lane[] lanes;
    private final AtomicInteger nextLane = new AtomicInteger();
    private final Semaphore inFlight;
    private final ScheduledExecutorService confirmThread;
    private volatile boolean closed;

    public PublisherChannels(ConnectionFactory connectionFactory, PublisherSettings settings) {
        Objects.requireNonNull(connectionFactory, "connectionFactory");
        // Publish on a connection of its own, as spring-rabbit advises: when the broker throttles a
        // publishing connection, deliveries and acks sharing it would stall behind the publishes.
        ConnectionFactory publishing = connectionFactory.getPublisherConnectionFactory();
        this.connectionFactory = publishing != null ? publishing : connectionFactory;
        this.settings = settings;
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.lanes = new Lane[settings.channels()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
        this.confirmThread = Executors.newSingleThreadScheduledExecutor(Threads.named("warren-publisher-confirms"));
        confirmThread.scheduleWithFixedDelay(this::expireOverdue, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes one message as mandatory and returns the future of its confirm. The future fails
     * with a {@link PublishException} when the broker nacks, the confirm times out or the channel
     * closes first; a returned (unroutable) message completes normally with the return's reason.
     */
    public CompletableFuture<Confirmation> publish(String exchange, String routingKey, AMQP.BasicProperties properties,
            byte[] body) {
        String messageId = Objects.requireNonNullElse(properties.getMessageId(), "");
        if (closed) {
            return CompletableFuture.failedFuture(new PublishException(Reason.CONNECTION_LOST, messageId,
                    "The Warren publisher is closed; the message was not sent", null));
        }
        try {
            if (!inFlight.tryAcquire(settings.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return CompletableFuture.failedFuture(new PublishException(Reason.TIMEOUT, messageId,
                        settings.maxInFlight() + " messages have awaited their confirm for " + settings.confirmTimeout()
                                + "; the broker is slow or blocked (check its memory and disk alarms). The message was not sent",
                        null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new PublishException(Reason.CONNECTION_LOST, messageId,
                    "Interrupted while waiting to publish; the message was not sent", e));
        }
        // The permit stands for this message until its future completes, however that comes about. It
        // is given back here, where it is taken, so that no failure path can keep it: a permit kept by
        // each AlreadyClosedException of a reconnect race would, in the end, time out every publish.
        boolean handedOver = false;
        try {
            Lane lane = lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
            CompletableFuture<Confirmation> confirmed = lane.publish(exchange, routingKey, properties, body, messageId)
                    .whenComplete((confirmation, failure) -> inFlight.release());
            handedOver = true;
            return confirmed;
        } finally {
            if (!handedOver) {
                inFlight.release();
            }
        }
    }

    /** How many more messages may be published before one must wait for a confirm; for tests and metrics. */
    public int availablePermits() {
        return inFlight.availablePermits();
    }

    @Override
    public void close() {
        closed = true;
        for (Lane lane : lanes) {
            lane.close();
        }
        Threads.shutdown(confirmThread, java.time.Duration.ofSeconds(5));
    }

    private void expireOverdue() {
        long now = System.nanoTime();
        for (Lane lane : lanes) {
            lane.expireOverdue(now);
        }
    }

    private void settle(List<Pending> settled, @Nullable PublishException failure) {
        if (settled.isEmpty()) {
            return;
        }
        Runnable completion = () -> {
            for (Pending pending : settled) {
                if (failure != null) {
                    pending.future.completeExceptionally(failure.messageId().equals(pending.messageId) ? failure
                            : new PublishException(failure.reason(), pending.messageId, failure.getMessage(), failure.getCause()));
                } else {
                    pending.future.complete(new Confirmation(pending.returnedReason));
                }
            }
        };
        try {
            confirmThread.execute(completion);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: complete here rather than leave callers waiting.
            completion.run();
        }
    }

    private static final class Pending {
        final String messageId;
        final long deadline;
        final CompletableFuture<Confirmation> future = new CompletableFuture<>();
        volatile @Nullable String returnedReason;

        Pending(String messageId, long deadline) {
            this.messageId = messageId;
            this.deadline = deadline;
        }
    }

    /** One channel with its own confirm sequence. */
    private final class Lane implements ConfirmListener, ReturnListener, ShutdownListener {

        private final int index;
        private final ReentrantLock lock = new ReentrantLock();
        private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
        private volatile @Nullable Channel channel;
        /** Sequence number of the last returned message; written and read only on the channel's I/O thread. */
        private volatile long lastReturned;

        Lane(int index) {
            this.index = index;
        }

        CompletableFuture<Confirmation> publish(String exchange, String routingKey, AMQP.BasicProperties properties,
                byte[] body, String messageId) {
            Pending entry = new Pending(messageId, System.nanoTime() + settings.confirmTimeout().toNanos());
            lock.lock();
            try {
                Channel current;
                long sequence;
                try {
                    current = openChannel();
                    sequence = current.getNextPublishSeqNo();
                    pending.put(sequence, entry);
                } catch (IOException | RuntimeException e) {
                    // A RuntimeException too: an AlreadyClosedException when the connection closes while the
                    // channel opens, an AmqpException from the factory, a refusal at the channel limit.
                    settle(List.of(entry), new PublishException(Reason.CONNECTION_LOST, messageId,
                            "Could not open a channel to RabbitMQ: " + e.getMessage() + "; the message was not sent", e));
                    return entry.future;
                }
                try {
                    current.basicPublish(exchange, routingKey, true, properties, body);
                } catch (IOException | RuntimeException e) {
                    if (pending.remove(sequence) != null) {
                        settle(List.of(entry), new PublishException(Reason.CONNECTION_LOST, messageId,
                                "The channel failed while publishing: " + e.getMessage() + "; the message was not sent", e));
                    }
                    discard(current);
                }
            } finally {
                lock.unlock();
            }
            return entry.future;
        }

        private Channel openChannel() throws IOException {
            Channel current = channel;
            if (current != null && current.isOpen()) {
                return current;
            }
            Channel fresh = connectionFactory.createConnection().getDelegate().createChannel();
            if (fresh == null) {
                throw new WarrenException("RabbitMQ refused a new channel: the connection has reached its channel limit");
            }
            try {
                fresh.confirmSelect();
            } catch (IOException | RuntimeException e) {
                // Not yet the lane's channel: nothing else would close it.
                discard(fresh);
                throw e;
            }
            fresh.addConfirmListener(this);
            fresh.addReturnListener(this);
            fresh.addShutdownListener(this);
            lastReturned = 0;
            channel = fresh;
            log.debug("Publisher lane {} opened channel {}", index, fresh.getChannelNumber());
            return fresh;
        }

        @Override
        public void handleAck(long deliveryTag, boolean multiple) {
            settle(remove(deliveryTag, multiple), null);
        }

        @Override
        public void handleNack(long deliveryTag, boolean multiple) {
            List<Pending> nacked = remove(deliveryTag, multiple);
            if (!nacked.isEmpty()) {
                settle(nacked, new PublishException(Reason.NACKED, nacked.get(0).messageId,
                        "RabbitMQ refused the message (negative confirm), e.g. a queue at its length limit with overflow "
                                + "reject-publish, or an internal broker error; it was not enqueued",
                        null));
            }
        }

        @Override
        public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                AMQP.BasicProperties properties, byte[] body) {
            // RabbitMQ sends basic.return before the basic.ack of the same message, so the entry is still
            // pending, and returns come in publish order: the owner is the first match after the last return.
            String messageId = Objects.requireNonNullElse(properties.getMessageId(), "");
            for (Map.Entry<Long, Pending> entry : pending.tailMap(lastReturned, false).entrySet()) {
                Pending candidate = entry.getValue();
                if (candidate.returnedReason == null && candidate.messageId.equals(messageId)) {
                    candidate.returnedReason = replyCode + " " + replyText + " (exchange '" + exchange + "', routing key '"
                            + routingKey + "')";
                    lastReturned = entry.getKey();
                    return;
                }
            }
        }

        @Override
        public void shutdownCompleted(ShutdownSignalException cause) {
            Channel closedChannel = channel;
            channel = null;
            List<Pending> lost = new ArrayList<>(pending.values());
            pending.clear();
            if (!lost.isEmpty()) {
                log.warn("Publisher channel closed with {} messages awaiting confirm: {}", lost.size(), cause.getMessage());
                settle(lost, new PublishException(Reason.CONNECTION_LOST, lost.get(0).messageId,
                        "The channel closed before RabbitMQ confirmed the message (" + cause.getMessage()
                                + "); it may or may not have been enqueued",
                        cause));
            }
            if (closedChannel != null) {
                log.debug("Publisher lane {} lost channel {}", index, closedChannel.getChannelNumber());
            }
        }

        void expireOverdue(long now) {
            List<Pending> overdue = new ArrayList<>();
            for (Map.Entry<Long, Pending> entry : pending.entrySet()) {
                if (entry.getValue().deadline - now > 0) {
                    break;
                }
                if (pending.remove(entry.getKey()) != null) {
                    overdue.add(entry.getValue());
                }
            }
            if (!overdue.isEmpty()) {
                settle(overdue, new PublishException(Reason.TIMEOUT, overdue.get(0).messageId,
                        "RabbitMQ did not confirm the message within " + settings.confirmTimeout()
                                + "; it may or may not have been enqueued (check the broker's alarms)",
                        null));
            }
        }

        private List<Pending> remove(long deliveryTag, boolean multiple) {
            if (!multiple) {
                Pending entry = pending.remove(deliveryTag);
                return entry == null ? List.of() : List.of(entry);
            }
            List<Pending> settled = new ArrayList<>();
            for (Map.Entry<Long, Pending> first = pending.firstEntry(); first != null && first.getKey() <= deliveryTag;
                    first = pending.firstEntry()) {
                if (pending.remove(first.getKey()) != null) {
                    settled.add(first.getValue());
                }
            }
            return settled;
        }

        private void discard(Channel current) {
            if (channel == current) {
                channel = null;
            }
            try {
                if (current.isOpen()) {
                    current.abort();
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Ignoring failure to abort a broken publisher channel", e);
            }
        }

        void close() {
            lock.lock();
            try {
                Channel current = channel;
                channel = null;
                if (current != null && current.isOpen()) {
                    try {
                        if (!pending.isEmpty()) {
                            // Let confirms already on their way arrive rather than fail those publishes.
                            current.waitForConfirms(settings.confirmTimeout().toMillis());
                        }
                        current.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                        log.debug("Ignoring failure to close publisher channel", e);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
