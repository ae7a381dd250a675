package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.WarrenException;
import dev.warren.internal.Threads;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.publish.PublishException;
import dev.warren.publish.PublishException.Reason;
import dev.warren.publish.PublisherSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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
 * <p>Every publish is mandatory and carries its lane's publish number in the header
 * {@link WarrenHeaders#PUBLISH_CORRELATION}, which a basic.return brings back: that, not
 * the {@code message_id} (absent or reused by many producers), ties a returned message to its publish.
 *
 * <p>Threads: {@link #publish} is called from any thread; a lane's lock makes the sequence number
 * and the publish one step, as amqp-client requires per channel. Confirms, returns and the
 * connection's blocked and unblocked events arrive on the broker I/O thread, which only records
 * them; futures complete on the single {@code warren-publisher-confirms} thread, so callers'
 * callbacks never run on an I/O thread. That thread also gives the in-flight permits back, as each
 * future completes. A callback that blocks delays every other caller's confirms and permits: do
 * slow work, and chains of publishes, with {@code thenApplyAsync} on an executor of your own.
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
    /** The executor's one thread, recorded by its factory: publishes from it never wait. */
    private volatile @Nullable Thread confirmer;
    /** Publishing connections whose blocked and shutdown events this publisher listens to. */
    private final Set<com.rabbitmq.client.Connection> watched = ConcurrentHashMap.newKeySet();
    /** Connections the broker blocks now, with the time it blocked each. */
    private final Map<com.rabbitmq.client.Connection, Instant> blocked = new ConcurrentHashMap<>();
    private final LongAdder timesBlocked = new LongAdder();
    /** Signalled when a connection unblocks or closes, and on close; guards nothing else. */
    private final Object unblocked = new Object();
    private final Clock clock = Clock.systemUTC();
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
        ThreadFactory named = Threads.named("warren-publisher-confirms");
        this.confirmThread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = named.newThread(runnable);
            confirmer = thread;
            return thread;
        });
        confirmThread.scheduleWithFixedDelay(this::expireOverdue, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes one message as mandatory and returns the future of its confirm. The future fails
     * with a {@link PublishException} when the broker nacks, the confirm times out or the channel
     * closes first; a returned (unroutable) message completes normally with the return's reason.
     *
     * <p>Everything, from the call to the confirm, happens within the confirm timeout: waiting for
     * the broker to unblock the connection, for an in-flight permit, for the lane, and for the
     * confirm. While the broker blocks the connection nothing is written to it, so that no caller
     * hangs in a socket write; the future fails with {@link Reason#BLOCKED} if the block outlasts the
     * timeout. Called on the confirm thread (from a callback of another publish) it never waits for
     * the block to lift or for a permit, since that thread is the one that hands permits back.
     */
    public CompletableFuture<Confirmation> publish(String exchange, String routingKey, AMQP.BasicProperties properties,
            byte[] body) {
        String messageId = Objects.requireNonNullElse(properties.getMessageId(), "");
        long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
        if (closed) {
            return CompletableFuture.failedFuture(new PublishException(Reason.CONNECTION_LOST, messageId,
                    "The Warren publisher is closed; the message was not sent", null));
        }
        boolean mayWait = Thread.currentThread() != confirmer;
        try {
            if (!awaitUnblocked(mayWait ? deadline : System.nanoTime())) {
                return CompletableFuture.failedFuture(blockedFailure(messageId, mayWait));
            }
            boolean permitted = mayWait ? inFlight.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS) : inFlight.tryAcquire();
            if (!permitted) {
                return CompletableFuture.failedFuture(new PublishException(Reason.TIMEOUT, messageId,
                        settings.maxInFlight() + " messages await their confirm, and none was confirmed within "
                                + (mayWait ? settings.confirmTimeout() : "no time (a publish from the confirm thread does not wait)")
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
            CompletableFuture<Confirmation> confirmed = lane.publish(exchange, routingKey, properties, body, messageId, deadline)
                    .whenComplete((confirmation, failure) -> inFlight.release());
            handedOver = true;
            return confirmed;
        } finally {
            if (!handedOver) {
                inFlight.release();
            }
        }
    }

    /**
     * Whether RabbitMQ blocks a publishing connection now, for a memory or disk alarm: publishes
     * wait for it to unblock, up to the confirm timeout. For health checks; any thread.
     *
     * @return {@code true} while blocked
     */
    public boolean isBlocked() {
        return !blocked.isEmpty();
    }

    /**
     * Since when RabbitMQ blocks a publishing connection; any thread.
     *
     * @return the start of the current block, or {@code null} when none is blocked
     */
    public @Nullable Instant blockedSince() {
        return blocked.values().stream().min(Instant::compareTo).orElse(null);
    }

    /**
     * How many times RabbitMQ blocked a publishing connection since this publisher started; for
     * metrics, any thread.
     *
     * @return the count
     */
    public long timesBlocked() {
        return timesBlocked.sum();
    }

    /** How many more messages may be published before one must wait for a confirm; for tests and metrics. */
    public int availablePermits() {
        return inFlight.availablePermits();
    }

    @Override
    public void close() {
        closed = true;
        signalUnblocked();
        for (Lane lane : lanes) {
            lane.close();
        }
        Threads.shutdown(confirmThread, Duration.ofSeconds(5));
    }

    /**
     * Waits until the broker blocks no publishing connection, up to the deadline.
     *
     * @return {@code true} when none is blocked
     */
    private boolean awaitUnblocked(long deadline) throws InterruptedException {
        if (blocked.isEmpty()) {
            return true;
        }
        synchronized (unblocked) {
            long left;
            while (!blocked.isEmpty() && !closed && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(unblocked, left);
            }
        }
        return blocked.isEmpty();
    }

    private PublishException blockedFailure(String messageId, boolean waited) {
        Instant since = blockedSince();
        return new PublishException(Reason.BLOCKED, messageId, "RabbitMQ has blocked the publishing connection"
                + (since == null ? "" : " since " + since) + " for a resource alarm (memory or disk: see the broker's log "
                + "or 'rabbitmqctl status')" + (waited ? " and it stayed blocked for the confirm timeout " + settings.confirmTimeout()
                        : "; a publish from the confirm thread does not wait")
                + ". The message was not sent", null);
    }

    private void signalUnblocked() {
        synchronized (unblocked) {
            unblocked.notifyAll();
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /**
     * Listens, once per connection, for the broker blocking and unblocking it; the connection's own
     * shutdown ends the watch. Called under a lane's lock; the events arrive on the I/O thread, which
     * only records them and wakes the publishers that wait.
     */
    private void watch(com.rabbitmq.client.Connection connection) {
        if (!watched.add(connection)) {
            return;
        }
        String name = connection.getAddress().getHostAddress() + ":" + connection.getPort();
        connection.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                if (blocked.putIfAbsent(connection, clock.instant()) == null) {
                    timesBlocked.increment();
                    log.warn("RabbitMQ blocked the publishing connection to {} ({}): publishes wait up to {} for it to "
                            + "unblock, then fail with reason BLOCKED", name, reason, settings.confirmTimeout());
                }
            }

            @Override
            public void handleUnblocked() {
                Instant since = blocked.remove(connection);
                signalUnblocked();
                if (since != null) {
                    log.warn("RabbitMQ unblocked the publishing connection to {} after {}", name,
                            Duration.between(since, clock.instant()));
                }
            }
        });
        connection.addShutdownListener(cause -> {
            watched.remove(connection);
            // A closed connection blocks nobody: its successor starts unblocked.
            if (blocked.remove(connection) != null) {
                log.warn("The blocked publishing connection to {} closed ({})", name, cause.getMessage());
            }
            signalUnblocked();
        });
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

    /** A publish awaiting its confirm. */
    private static final class Pending {
        final String messageId;
        final long deadline;
        final CompletableFuture<Confirmation> future = new CompletableFuture<>();
        /** The channel it went out on; set under the lane's lock before the entry is visible. */
        @Nullable LaneChannel channel;
        volatile @Nullable String returnedReason;

        Pending(String messageId, long deadline) {
            this.messageId = messageId;
            this.deadline = deadline;
        }
    }

    /**
     * One channel of a lane, and the listener of its confirms, returns and shutdown. The lane
     * numbers its publishes on and on across its channels; this channel's delivery tag {@code n} is
     * the lane's publish number {@code base + n}, so a late confirm or return of a closed channel
     * can never settle a publish of its successor.
     */
    private static final class LaneChannel implements ConfirmListener, ReturnListener, ShutdownListener {

        final Lane lane;
        final Channel channel;
        /** The lane's last publish number before this channel's first publish. */
        final long base;

        LaneChannel(Lane lane, Channel channel, long base) {
            this.lane = lane;
            this.channel = channel;
            this.base = base;
        }

        @Override
        public void handleAck(long deliveryTag, boolean multiple) {
            lane.acknowledged(base + deliveryTag, multiple, this);
        }

        @Override
        public void handleNack(long deliveryTag, boolean multiple) {
            lane.refused(base + deliveryTag, multiple, this);
        }

        @Override
        public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                AMQP.BasicProperties properties, byte[] body) {
            lane.returned(properties, replyCode + " " + replyText + " (exchange '" + exchange + "', routing key '"
                    + routingKey + "')");
        }

        @Override
        public void shutdownCompleted(ShutdownSignalException cause) {
            lane.lost(this, cause);
        }
    }

    /** A channel at a time, with the publishes that await its confirm. */
    private final class Lane {

        private final int index;
        private final ReentrantLock lock = new ReentrantLock();
        /** Publishes awaiting their confirm, by the lane's publish number. */
        private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
        private final AtomicReference<@Nullable LaneChannel> current = new AtomicReference<>();
        /** The number of the lane's last publish, on whichever channel; written under the lock. */
        private long lastPublish;

        Lane(int index) {
            this.index = index;
        }

        CompletableFuture<Confirmation> publish(String exchange, String routingKey, AMQP.BasicProperties properties,
                byte[] body, String messageId, long deadline) {
            Pending entry = new Pending(messageId, deadline);
            try {
                // Bounded: a publish that began writing just before the broker blocked the connection
                // holds the lock until the broker reads again.
                if (!lock.tryLock(remaining(deadline), TimeUnit.NANOSECONDS)) {
                    settle(List.of(entry), isBlocked() ? blockedFailure(messageId, true)
                            : new PublishException(Reason.TIMEOUT, messageId, "Another publish held publisher lane " + index
                                    + " for the whole confirm timeout " + settings.confirmTimeout()
                                    + "; the message was not sent", null));
                    return entry.future;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                settle(List.of(entry), new PublishException(Reason.CONNECTION_LOST, messageId,
                        "Interrupted while waiting to publish; the message was not sent", e));
                return entry.future;
            }
            try {
                LaneChannel open;
                long number;
                AMQP.BasicProperties correlated;
                try {
                    open = openChannel();
                    number = open.base + open.channel.getNextPublishSeqNo();
                    correlated = withCorrelation(properties, number);
                    entry.channel = open;
                    pending.put(number, entry);
                    lastPublish = number;
                } catch (IOException | RuntimeException e) {
                    // A RuntimeException too: an AlreadyClosedException when the connection closes while the
                    // channel opens, an AmqpException from the factory, a refusal at the channel limit.
                    settle(List.of(entry), new PublishException(Reason.CONNECTION_LOST, messageId,
                            "Could not open a channel to RabbitMQ: " + e.getMessage() + "; the message was not sent", e));
                    return entry.future;
                }
                try {
                    open.channel.basicPublish(exchange, routingKey, true, correlated, body);
                } catch (IOException | RuntimeException e) {
                    if (pending.remove(number, entry)) {
                        settle(List.of(entry), new PublishException(Reason.CONNECTION_LOST, messageId,
                                "The channel failed while publishing: " + e.getMessage() + "; the message was not sent", e));
                    }
                    discard(open);
                }
            } finally {
                lock.unlock();
            }
            return entry.future;
        }

        private LaneChannel openChannel() throws IOException {
            LaneChannel open = current.get();
            if (open != null && open.channel.isOpen()) {
                return open;
            }
            com.rabbitmq.client.Connection connection = connectionFactory.createConnection().getDelegate();
            watch(connection);
            Channel fresh = connection.createChannel();
            if (fresh == null) {
                throw new WarrenException("RabbitMQ refused a new channel: the connection has reached its channel limit");
            }
            LaneChannel opened = new LaneChannel(this, fresh, lastPublish);
            try {
                fresh.confirmSelect();
            } catch (IOException | RuntimeException e) {
                // Not yet the lane's channel: nothing else would close it.
                discard(opened);
                throw e;
            }
            fresh.addConfirmListener(opened);
            fresh.addReturnListener(opened);
            fresh.addShutdownListener(opened);
            current.set(opened);
            log.debug("Publisher lane {} opened channel {}", index, fresh.getChannelNumber());
            return opened;
        }

        /** On the I/O thread. */
        void acknowledged(long number, boolean multiple, LaneChannel from) {
            settle(remove(number, multiple, from), null);
        }

        /** On the I/O thread. */
        void refused(long number, boolean multiple, LaneChannel from) {
            List<Pending> nacked = remove(number, multiple, from);
            if (!nacked.isEmpty()) {
                settle(nacked, new PublishException(Reason.NACKED, nacked.get(0).messageId,
                        "RabbitMQ refused the message (negative confirm), e.g. a queue at its length limit with overflow "
                                + "reject-publish, or an internal broker error; it was not enqueued",
                        null));
            }
        }

        /**
         * On the I/O thread. RabbitMQ sends basic.return before the basic.ack of the same message, so
         * its entry is still pending; the message's own publish number, in the correlation header,
         * finds it. Never the message id: producers leave it out or reuse it, and a return pinned on
         * another publish of the same id would report a dropped message as delivered.
         */
        void returned(AMQP.BasicProperties properties, String reason) {
            Object header = properties.getHeaders() == null ? null
                    : properties.getHeaders().get(WarrenHeaders.PUBLISH_CORRELATION);
            Pending owner = header instanceof Number number ? pending.get(number.longValue()) : null;
            if (owner == null) {
                log.debug("Ignoring a returned message {} whose publish is no longer pending ({}: {})",
                        properties.getMessageId(), WarrenHeaders.PUBLISH_CORRELATION, header);
                return;
            }
            owner.returnedReason = reason;
        }

        /** On the thread that closed the channel, usually the I/O thread: fails what the channel could no longer confirm. */
        void lost(LaneChannel closedChannel, ShutdownSignalException cause) {
            current.compareAndSet(closedChannel, null);
            List<Pending> lost = new ArrayList<>();
            for (Map.Entry<Long, Pending> entry : pending.entrySet()) {
                if (entry.getValue().channel == closedChannel && pending.remove(entry.getKey(), entry.getValue())) {
                    lost.add(entry.getValue());
                }
            }
            if (!lost.isEmpty()) {
                log.warn("Publisher channel closed with {} messages awaiting confirm: {}", lost.size(), cause.getMessage());
                settle(lost, new PublishException(Reason.CONNECTION_LOST, lost.get(0).messageId,
                        "The channel closed before RabbitMQ confirmed the message (" + cause.getMessage()
                                + "); it may or may not have been enqueued",
                        cause));
            }
            log.debug("Publisher lane {} lost channel {}", index, closedChannel.channel.getChannelNumber());
        }

        void expireOverdue(long now) {
            List<Pending> overdue = new ArrayList<>();
            for (Map.Entry<Long, Pending> entry : pending.entrySet()) {
                if (entry.getValue().deadline - now > 0) {
                    break;
                }
                if (pending.remove(entry.getKey(), entry.getValue())) {
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

        /** Removes the publishes a confirm settles: this one, or with {@code multiple} every earlier one of the same channel. */
        private List<Pending> remove(long number, boolean multiple, LaneChannel from) {
            if (!multiple) {
                Pending entry = pending.remove(number);
                return entry == null ? List.of() : List.of(entry);
            }
            List<Pending> settled = new ArrayList<>();
            for (Map.Entry<Long, Pending> entry : pending.subMap(from.base, false, number, true).entrySet()) {
                if (pending.remove(entry.getKey(), entry.getValue())) {
                    settled.add(entry.getValue());
                }
            }
            return settled;
        }

        private void discard(LaneChannel broken) {
            current.compareAndSet(broken, null);
            try {
                if (broken.channel.isOpen()) {
                    broken.channel.abort();
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Ignoring failure to abort a broken publisher channel", e);
            }
        }

        void close() {
            lock.lock();
            try {
                LaneChannel open = current.getAndSet(null);
                if (open != null && open.channel.isOpen()) {
                    try {
                        if (!pending.isEmpty()) {
                            // Let confirms already on their way arrive rather than fail those publishes.
                            open.channel.waitForConfirms(settings.confirmTimeout().toMillis());
                        }
                        open.channel.close();
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

    /**
     * The properties with this publish's own number in the correlation header, replacing any the
     * message brought along: a copy Warren republishes carries its original's headers, and must be
     * matched as the new publish it is.
     */
    private static AMQP.BasicProperties withCorrelation(AMQP.BasicProperties properties, long number) {
        Map<String, Object> headers = properties.getHeaders() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(properties.getHeaders());
        headers.put(WarrenHeaders.PUBLISH_CORRELATION, number);
        return properties.builder().headers(headers).build();
    }
}
