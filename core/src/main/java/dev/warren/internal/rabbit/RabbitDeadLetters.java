package dev.warren.internal.rabbit;

import dev.warren.internal.WarrenHeaders;
import dev.warren.internal.deadletter.FailureReasons;
import dev.warren.internal.deadletter.PageBounds;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.warren.WarrenException;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.FailureGroup;
import dev.warren.deadletter.OperationResult;
import dev.warren.deadletter.ReplayOptions;
import dev.warren.deadletter.Selection;
import dev.warren.deadletter.UnknownDeadLetterQueueException;
import dev.warren.internal.pipeline.InboundMessage;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * {@link DeadLetters} on RabbitMQ. Messages are read by a consumer on a channel of their own, with
 * a prefetch of the whole pass, and left unacknowledged; closing that channel puts back whatever was
 * not moved, in place.
 */
public final class RabbitDeadLetters implements DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(RabbitDeadLetters.class);

    /** Reason and origin headers of a dead letter, dropped from a replayed copy so that a new failure writes its own. */
    private static final List<String> FAILURE_HEADERS = java.util.stream.Stream.concat(WarrenHeaders.FAILURE.stream(),
            WarrenHeaders.BROKER_DEATH.stream()).toList();


    private final ConnectionFactory connectionFactory;
    private final TopologyDeclarer declarer;
    private final PublisherChannels publisher;
    private final Supplier<Topology> topology;
    private final Duration confirmTimeout;

    /** The durable queue discarded dead letters are kept in. */
    public static QueueSpec discardedQueue() {
        return new QueueSpec(DISCARDED_QUEUE, dev.warren.annotation.QueueType.QUORUM, Map.of("x-queue-type", "quorum"));
    }

    public RabbitDeadLetters(ConnectionFactory connectionFactory, TopologyDeclarer declarer, PublisherChannels publisher,
            Supplier<Topology> topology, Duration confirmTimeout) {
        this.connectionFactory = connectionFactory;
        this.declarer = declarer;
        this.publisher = publisher;
        this.topology = topology;
        this.confirmTimeout = confirmTimeout;
    }

    @Override
    public List<DeadLetterQueue> queues() {
        List<DeadLetterQueue> queues = new ArrayList<>();
        for (String queue : workQueues()) {
            String dlq = QueueSpec.deadLetterQueueName(queue);
            long depth = depth(dlq);
            Duration oldest = null;
            if (depth > 0) {
                List<DeadLetter> head = peek(queue, 1);
                if (!head.isEmpty() && head.get(0).failedAt() != null) {
                    oldest = Duration.between(head.get(0).failedAt(), Instant.now());
                }
            }
            queues.add(new DeadLetterQueue(queue, dlq, depth, oldest));
        }
        return queues;
    }

    /**
     * The engine's work queues: those of its topology whose failures go to Warren's dead-letter
     * exchange, in declaration order. Only these have dead-letter queues Warren operates on.
     */
    private Set<String> workQueues() {
        Set<String> queues = new LinkedHashSet<>();
        for (QueueSpec queue : topology.get().queues()) {
            if (Topology.DEAD_LETTER_EXCHANGE.equals(queue.arguments().get("x-dead-letter-exchange"))) {
                queues.add(queue.name());
            }
        }
        return queues;
    }

    @Override
    public List<DeadLetter> peek(String queue, int limit) {
        return peek(queue, 0, limit);
    }

    @Override
    public List<DeadLetter> peek(String queue, int offset, int limit) {
        PageBounds.check(offset, limit);
        String dlq = deadLetterQueue(queue);
        List<DeadLetter> letters = new ArrayList<>();
        // The whole queue (up to the limit of a call), not just up to the page: the broker puts the
        // letters back when the pass ends, and a quorum queue puts one that was returned before at its
        // tail, so reading only the head would rotate the queue at each peek. Put back all together,
        // they keep their order. The letters outside the page are passed over without their bodies.
        Keep page = (index, letter) -> index >= offset && index < offset + limit;
        int[] index = {0};
        read(dlq, MAX_MESSAGES, page, NO_BODY_BUDGET, false, (channel, response, letter) -> {
            int at = index[0]++;
            if (at >= offset && at < offset + limit) {
                letters.add(letter);
            }
        }, () -> {
        }, () -> 0);
        return letters;
    }

    @Override
    public List<FailureGroup> groups(String queue) {
        // Counted as they pass, without keeping a letter: the whole queue up to the limit, in little memory.
        FailureReasons.Tally tally = new FailureReasons.Tally();
        read(deadLetterQueue(queue), MAX_MESSAGES, (index, letter) -> false, NO_BODY_BUDGET, false,
                (channel, response, letter) -> tally.add(letter), () -> {
                }, () -> 0);
        return tally.groups();
    }

    @Override
    public OperationResult replay(String queue, Selection selection, ReplayOptions options) {
        RateLimiter pace = options.maxPerSecond() == 0 ? null : RateLimiter.of("warren-replay", RateLimiterConfig.custom()
                .limitForPeriod(options.maxPerSecond()).limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofMinutes(10)).build());
        String destination = options.targetQueue() != null ? options.targetQueue() : "the original queue";
        // A handler that still fails fast dead-letters the copy again while this pass reads on; the
        // pass mark lets it leave its own copies alone instead of replaying them round and round.
        String pass = java.util.UUID.randomUUID().toString();
        // x-original-queue is written by whoever dead-lettered the message, and for a message the broker
        // dead-lettered, by its producer: replaying to it unchecked would let a producer route a message
        // into any queue. Without an explicit target, a replay goes only to the engine's work queues.
        Set<String> workQueues = workQueues();
        Predicate<DeadLetter> allowed = options.targetQueue() != null ? letter -> true
                : letter -> workQueues.contains(letter.originalQueue());
        Moved moved = moveSelected(queue, selection, options.dryRun(), pass, allowed, letter -> {
            if (pace != null) {
                pace.acquirePermission();
            }
            Map<String, Object> headers = new LinkedHashMap<>(letter.headers());
            FAILURE_HEADERS.forEach(headers::remove);
            headers.put(REPLAYS_HEADER, letter.replays() + 1);
            headers.put(WarrenHeaders.REPLAY_PASS, pass);
            return new Target(options.targetQueue() != null ? options.targetQueue() : letter.originalQueue(), headers);
        });
        if (!options.dryRun()) {
            log.info("Replayed {} of {} dead letters from {} ({}) to {}", moved.moved, moved.examined,
                    deadLetterQueue(queue), selection, destination);
        }
        if (moved.refused > 0) {
            log.warn("Left {} selected dead letters in {}: their x-original-queue (such as '{}') is not a work queue of "
                    + "this engine, and a producer can write that header; replay them with a target queue if that is "
                    + "where they belong", moved.refused, deadLetterQueue(queue), moved.firstRefusedQueue);
        }
        return moved.result(queue, selection, destination, options.dryRun());
    }

    @Override
    public OperationResult discard(String queue, Selection selection, String reason, String operator) {
        if (reason == null || reason.isBlank()) {
            throw new WarrenException("discarding needs a reason, so that whoever finds the messages later knows why");
        }
        declarer.declare(new Topology(List.of(), List.of(discardedQueue()), List.of()));
        Moved moved = moveSelected(queue, selection, false, null, letter -> true, letter -> {
            Map<String, Object> headers = new LinkedHashMap<>(letter.headers());
            headers.put(DISCARD_REASON_HEADER, reason);
            headers.put(DISCARDED_BY_HEADER, operator);
            headers.put(WarrenHeaders.DISCARDED_AT, System.currentTimeMillis());
            return new Target(DISCARDED_QUEUE, headers);
        });
        log.warn("Discarded {} dead letters from {} ({}) to {}, by {}: {}", moved.moved, deadLetterQueue(queue), selection,
                DISCARDED_QUEUE, operator, reason);
        return moved.result(queue, selection, DISCARDED_QUEUE, false);
    }

    /** Where a dead letter goes, and with which headers. */
    private record Target(String queue, Map<String, Object> headers) {
    }

    /** What a pass over a dead-letter queue found and moved. */
    private static final class Moved {
        int examined;
        int moved;
        int refused;
        @Nullable String firstRefusedQueue;
        final List<String> ids = new ArrayList<>();

        OperationResult result(String queue, Selection selection, String destination, boolean dryRun) {
            return new OperationResult(queue, selection.toString(), examined, ids.size(), moved, destination, ids, dryRun,
                    refused);
        }
    }

    /**
     * Bytes of bodies a moving pass holds received but not yet copied. A pass takes the whole queue up
     * to its limit on prefetch, since it acknowledges only what it moves (see {@link #read}); this
     * bounds the bodies among them. It is reached only when copies go out slower than letters arrive,
     * as in a paced replay: 10,000 letters of 6.5 KB fit; the pass stops at the first letter beyond
     * it, which stays in place with all after it, and says so.
     */
    private static final long READ_BODY_BUDGET = 64L << 20;

    /** For a pass that returns every body it keeps, so that they are in its result anyway. */
    private static final long NO_BODY_BUDGET = Long.MAX_VALUE;

    private static final byte[] NO_BODY = new byte[0];

    /** How long a pass waits at most for the broker to have put back what it did not move. */
    private static final long RETURN_WAIT_MILLIS = 2_000;

    /** How long a pass waits for one more dead letter once it has read the depth it saw at the start. */
    private static final long READ_IDLE_MILLIS = 250;

    /** Copies awaiting their confirm during a replay or discard; their dead letters stay unacknowledged meanwhile. */
    private static final int MOVE_WINDOW = 1_000;

    /**
     * Moves each selected dead letter that {@code allowed} accepts to where {@code target} says,
     * unless it is a dry run; the others stay in the dead-letter queue, counted as refused. Copies
     * are pipelined: each dead letter is acknowledged when the broker confirms its copy, and the
     * pass waits for every confirm before it closes its channel, which would put back whatever was
     * not acknowledged yet.
     */
    private Moved moveSelected(String queue, Selection selection, boolean dryRun, @Nullable String pass,
            Predicate<DeadLetter> allowed, java.util.function.Function<DeadLetter, Target> target) {
        Moved moved = new Moved();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(MOVE_WINDOW);
        List<java.util.concurrent.CompletableFuture<Boolean>> copies = new ArrayList<>();
        Predicate<DeadLetter> ownCopy = letter -> pass != null
                && pass.equals(String.valueOf(letter.headers().get(WarrenHeaders.REPLAY_PASS)));
        // Only a letter that is copied needs its body until then; the others are looked at and let go.
        Keep toCopy = (index, letter) -> !dryRun && !ownCopy.test(letter) && selection.matches(letter) && allowed.test(letter);
        boolean cut = read(deadLetterQueue(queue), MAX_MESSAGES, toCopy, READ_BODY_BUDGET, true, (channel, response, letter) -> {
            if (ownCopy.test(letter)) {
                return; // a copy this pass replayed came back; it stays for the next pass
            }
            moved.examined++;
            if (!selection.matches(letter)) {
                return;
            }
            moved.ids.add(Objects.requireNonNullElse(letter.messageId(), ""));
            if (!allowed.test(letter)) {
                moved.refused++;
                if (moved.firstRefusedQueue == null) {
                    moved.firstRefusedQueue = letter.originalQueue();
                }
                return; // left unacknowledged, so it goes back in place with the channel
            }
            if (!dryRun) {
                acquire(window);
                Target to = target.apply(letter);
                copies.add(copy(channel, response, to.queue(), to.headers()).whenComplete((copied, failure) -> window.release()));
            }
        }, () -> awaitCopies(copies, moved), () -> moved.moved);
        if (cut) {
            log.info("Stopped after {} dead letters of {}: the bodies waiting to be moved reached {} MiB; call again for the rest",
                    moved.examined, deadLetterQueue(queue), READ_BODY_BUDGET >> 20);
        }
        return moved;
    }

    private static void acquire(java.util.concurrent.Semaphore window) {
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarrenException("Interrupted while moving dead letters; those not moved stay in the dead-letter queue", e);
        }
    }

    /** Publishes a copy, and acknowledges the dead letter once the broker confirmed that a queue took it. */
    private java.util.concurrent.CompletableFuture<Boolean> copy(Channel channel, GetResponse response, String routingKey,
            Map<String, Object> headers) {
        // A publisher's per-message TTL does not come back with the replay: it would expire the copy while it waits.
        AMQP.BasicProperties properties = response.getProps().builder().headers(headers).expiration(null).build();
        long tag = response.getEnvelope().getDeliveryTag();
        return publisher.publish("", routingKey, properties, response.getBody()).thenApply(confirmation -> {
            if (!confirmation.routed()) {
                throw new WarrenException("No queue named '" + routingKey + "' took the message ("
                        + confirmation.returnedReason() + "); it stays in the dead-letter queue");
            }
            try {
                channel.basicAck(tag, false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return true;
        });
    }

    private void awaitCopies(List<java.util.concurrent.CompletableFuture<Boolean>> copies, Moved moved) {
        Throwable firstFailure = null;
        for (java.util.concurrent.CompletableFuture<Boolean> copy : copies) {
            try {
                copy.get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
                moved.moved++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                firstFailure = firstFailure == null ? e : firstFailure;
                break;
            } catch (ExecutionException | TimeoutException e) {
                firstFailure = firstFailure == null ? (e.getCause() != null ? e.getCause() : e) : firstFailure;
            }
        }
        if (firstFailure != null) {
            throw new WarrenException("Moved " + moved.moved + " dead letters, but not all: " + firstFailure.getMessage()
                    + "; those not moved stay in the dead-letter queue", firstFailure);
        }
    }

    private interface Visitor {
        void visit(Channel channel, GetResponse response, DeadLetter letter) throws IOException;
    }

    /**
     * Which letters a pass needs whole: body, stack trace, properties. Of the others it keeps what
     * selections and groups look at, so that reading the whole queue does not hold its bodies.
     */
    private interface Keep {
        boolean whole(int index, DeadLetter letter);
    }

    /** A letter as the consumer received it; {@code overBudget} when its body did not fit the pass's budget. */
    private record Received(GetResponse response, DeadLetter letter, boolean overBudget) {
    }

    /**
     * Reads up to {@code limit} messages of the queue as it is now, without taking new arrivals,
     * runs {@code beforeClose}, and puts back every message not acknowledged by closing the channel.
     *
     * <p>The prefetch is the limit itself: a pass acknowledges only what it moves, so with a smaller
     * prefetch the broker stops delivering once that many unmoved letters are outstanding, and the
     * pass would see only the head of the queue (it did, at 500). Holding up to
     * {@value DeadLetters#MAX_MESSAGES} unacknowledged is cheap for the broker; here, a letter that
     * {@code keep} does not need whole is held without body and stack trace, a few hundred bytes
     * (its reason is at most 8 KB), so a groups pass over 10,000 letters holds well under 10 MB
     * however big the bodies are. Bodies kept whole wait for the visitor up to {@code bodyBudget}
     * bytes; at the first letter beyond it the pass stops and returns {@code true}.
     *
     * @param lateArrivals whether to take, past the depth seen at the start, what keeps arriving
     *     promptly; a moving pass does, a read-only one ends at that depth without waiting
     * @param acknowledged how many letters the pass acknowledged (moved), asked once {@code beforeClose} ran
     * @return whether the pass stopped early because of the body budget
     */
    private boolean read(String dlq, int limit, Keep keep, long bodyBudget, boolean lateArrivals, Visitor visitor,
            Runnable beforeClose, java.util.function.IntSupplier acknowledged) {
        boolean cut = false;
        java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        long returned = 0;
        long readyAfterReturn = 0;
        try (org.springframework.amqp.rabbit.connection.Connection connection = connectionFactory.createConnection()) {
            // A channel of our own, closed for real: a cached one would keep the unacknowledged messages.
            Channel channel = connection.getDelegate().createChannel();
            try {
                // The depth now is what the pass waits for; past it, it takes what keeps arriving promptly
                // (messages another pass just put back are not counted in the depth yet), up to the limit.
                int snapshot = Math.min(limit, channel.queueDeclarePassive(dlq).getMessageCount());
                // Pushed rather than fetched one basic.get at a time: a round trip per message would cap
                // a replay at a few thousand messages a second.
                java.util.concurrent.BlockingQueue<Received> deliveries = new java.util.concurrent.LinkedBlockingQueue<>();
                java.util.concurrent.atomic.AtomicLong buffered = new java.util.concurrent.atomic.AtomicLong();
                channel.basicQos(Math.max(1, limit));
                String consumerTag = channel.basicConsume(dlq, false, new com.rabbitmq.client.DefaultConsumer(channel) {
                    private int index;

                    @Override
                    public void handleDelivery(String tag, com.rabbitmq.client.Envelope envelope, AMQP.BasicProperties properties,
                            byte[] body) {
                        // Runs on the client's dispatch thread for this channel, one delivery at a time.
                        DeadLetter letter = parse(dlq, new GetResponse(envelope, properties, body, 0));
                        delivered.incrementAndGet();
                        if (!keep.whole(index++, letter)) {
                            deliveries.add(new Received(new GetResponse(envelope, null, NO_BODY, 0), withoutBody(letter), false));
                        } else if (buffered.get() > 0 && buffered.get() + body.length > bodyBudget) {
                            deliveries.add(new Received(new GetResponse(envelope, null, NO_BODY, 0), withoutBody(letter), true));
                        } else {
                            buffered.addAndGet(body.length);
                            deliveries.add(new Received(new GetResponse(envelope, properties, body, 0), letter, false));
                        }
                    }
                });
                for (int read = 0; read < (lateArrivals ? limit : snapshot); read++) {
                    long wait = read < snapshot ? confirmTimeout.toMillis() : READ_IDLE_MILLIS;
                    Received received = deliveries.poll(wait, TimeUnit.MILLISECONDS);
                    if (received == null) {
                        break;
                    }
                    if (received.overBudget()) {
                        cut = true;
                        break;
                    }
                    buffered.addAndGet(-received.response().getBody().length);
                    visitor.visit(channel, received.response(), received.letter());
                }
                // The copies are confirmed, and their dead letters acknowledged, before the consumer is
                // cancelled: a quorum queue returns what a cancelled consumer still holds and ignores
                // acknowledgements that arrive afterwards, so those dead letters would come back a
                // second time though their copies were made.
                beforeClose.run();
                channel.basicCancel(consumerTag);
                returned = delivered.get() - acknowledged.getAsInt();
                if (returned > 0) {
                    readyAfterReturn = channel.queueDeclarePassive(dlq).getMessageCount() + returned;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WarrenException("Interrupted while reading " + dlq + "; messages not yet moved stay in it", e);
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
            if (returned > 0) {
                awaitReturned(connection, dlq, readyAfterReturn);
            }
        } catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException e) {
            // Whatever was not moved yet goes back to the dead-letter queue with the channel.
            throw new WarrenException("Could not work through dead-letter queue " + dlq + ": " + e.getMessage()
                    + "; messages not yet moved stay in it", e);
        }
        return cut;
    }

    /**
     * Waits until the messages a pass put back by closing its channel are ready again, for at most
     * {@value #RETURN_WAIT_MILLIS} ms (longer only when someone else consumes the queue meanwhile).
     * The broker puts them back after it confirmed the close, not before (the depth a pass reads at
     * its start may not count them yet): a pass started meanwhile, such as the groups after a peek
     * in one endpoint call, would take the messages behind them first and, putting its own back in
     * the order it got them, reorder the queue for good.
     */
    private void awaitReturned(org.springframework.amqp.rabbit.connection.Connection connection, String dlq, long ready)
            throws IOException, TimeoutException {
        Channel channel = connection.getDelegate().createChannel();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETURN_WAIT_MILLIS);
            // Each check is a round trip to the broker, which paces the loop; putting back takes a few.
            while (channel.queueDeclarePassive(dlq).getMessageCount() < ready && System.nanoTime() < deadline) {
                log.debug("Waiting for {} to have {} messages ready again", dlq, ready);
            }
        } finally {
            if (channel.isOpen()) {
                channel.close();
            }
        }
    }

    /** The letter without what a selection or group does not look at: its body and its stack trace. */
    private static DeadLetter withoutBody(DeadLetter letter) {
        Map<String, Object> headers = new LinkedHashMap<>(letter.headers());
        headers.remove(WarrenHeaders.EXCEPTION_STACKTRACE);
        return new DeadLetter(letter.messageId(), letter.originalQueue(), letter.reason(), letter.exceptionType(), null,
                letter.attempts(), letter.failureClass(), letter.failedAt(), letter.fingerprint(), letter.replays(),
                letter.contentType(), NO_BODY, Collections.unmodifiableMap(headers));
    }

    private long depth(String dlq) {
        try (org.springframework.amqp.rabbit.connection.Connection connection = connectionFactory.createConnection()) {
            Channel channel = connection.getDelegate().createChannel();
            try {
                return channel.queueDeclarePassive(dlq).getMessageCount();
            } catch (IOException e) {
                return 0;
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
        } catch (IOException | TimeoutException e) {
            throw new WarrenException("Could not read the depth of " + dlq + ": " + e.getMessage(), e);
        }
    }

    /**
     * The dead-letter queue of a work queue of the engine, named by the work queue or by itself.
     * Any other name is refused, even one ending with {@code .dlq}: it may be another application's.
     */
    private String deadLetterQueue(String queue) {
        Set<String> workQueues = workQueues();
        if (workQueues.contains(queue)) {
            return QueueSpec.deadLetterQueueName(queue);
        }
        for (String workQueue : workQueues) {
            if (QueueSpec.deadLetterQueueName(workQueue).equals(queue)) {
                return queue;
            }
        }
        throw new UnknownDeadLetterQueueException(queue, workQueues);
    }

    static DeadLetter parse(String dlq, GetResponse response) {
        AMQP.BasicProperties properties = response.getProps();
        Map<String, Object> headers = new LinkedHashMap<>();
        if (properties.getHeaders() != null) {
            properties.getHeaders().forEach((name, value) -> headers.put(name, plain(value)));
            // The publisher's bookkeeping; a replayed copy gets a number of its own.
            headers.remove(WarrenHeaders.PUBLISH_CORRELATION);
        }
        String originalQueue = text(headers.get(WarrenHeaders.ORIGINAL_QUEUE));
        if (originalQueue == null) {
            originalQueue = dlq.substring(0, dlq.length() - ".dlq".length());
        }
        String stackTrace = text(headers.get(WarrenHeaders.EXCEPTION_STACKTRACE));
        String reason = text(headers.get(WarrenHeaders.EXCEPTION_MESSAGE));
        if (reason == null) {
            String brokerReason = text(headers.get(WarrenHeaders.FIRST_DEATH_REASON));
            reason = brokerReason != null ? "dead-lettered by the broker: " + brokerReason : "no reason recorded";
        }
        String exceptionType = FailureReasons.exceptionType(stackTrace);
        Object failedAt = headers.get(WarrenHeaders.FAILED_AT);
        Instant failed = failedAt instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                : properties.getTimestamp() != null ? properties.getTimestamp().toInstant() : null;
        return new DeadLetter(properties.getMessageId(), originalQueue, reason, exceptionType, stackTrace,
                number(headers.get(WarrenHeaders.ATTEMPTS)), text(headers.get(WarrenHeaders.FAILURE_CLASS)), failed,
                FailureReasons.fingerprint(exceptionType, stackTrace, reason), number(headers.get(REPLAYS_HEADER)), properties.getContentType(),
                response.getBody(), Collections.unmodifiableMap(headers));
    }

    private static Object plain(Object value) {
        return value instanceof com.rabbitmq.client.LongString ? value.toString() : value;
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }

    private static int number(@Nullable Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? 0 : Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
