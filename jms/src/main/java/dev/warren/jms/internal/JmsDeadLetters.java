package dev.warren.jms.internal;

import dev.warren.internal.WarrenHeaders;
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
import dev.warren.internal.deadletter.FailureReasons;
import dev.warren.topology.QueueSpec;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.support.destination.DestinationResolver;

/**
 * Dead-letter operations over JMS. Peeking browses the queue, which leaves it as it is. Replay and
 * discard take each dead letter in a transaction with its copy: the matching ones go to their
 * target, the others go back to the end of the dead-letter queue (JMS cannot leave one message
 * of a session unacknowledged while acknowledging the next), so a crash duplicates at worst.
 */
public final class JmsDeadLetters implements DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(JmsDeadLetters.class);

    /**
     * Where discarded JMS messages are kept. Not {@link DeadLetters#DISCARDED_QUEUE}: on RabbitMQ,
     * the JMS client would declare that AMQP quorum queue again as a classic one and be refused.
     */
    public static final String DISCARDED_JMS_QUEUE = DISCARDED_QUEUE + ".jms";
    private static final int COMMIT_EVERY = 100;
    private static final long RECEIVE_TIMEOUT_MILLIS = 2_000;

    private final ConnectionFactory connectionFactory;
    private final DestinationResolver destinations;
    private final Supplier<List<String>> queues;

    public JmsDeadLetters(ConnectionFactory connectionFactory, DestinationResolver destinations, Supplier<List<String>> queues) {
        this.connectionFactory = connectionFactory;
        this.destinations = destinations;
        this.queues = queues;
    }

    @Override
    public List<DeadLetterQueue> queues() {
        List<DeadLetterQueue> result = new ArrayList<>();
        for (String queue : queues.get()) {
            String dlq = QueueSpec.deadLetterQueueName(queue);
            List<DeadLetter> letters = browse(dlq, MAX_MESSAGES);
            Duration oldest = letters.isEmpty() || letters.get(0).failedAt() == null ? null
                    : Duration.between(letters.get(0).failedAt(), Instant.now());
            result.add(new DeadLetterQueue(queue, dlq, letters.size(), oldest));
        }
        return result;
    }

    @Override
    public List<DeadLetter> peek(String queue, int limit) {
        return browse(deadLetterQueue(queue), limit);
    }

    @Override
    public List<FailureGroup> groups(String queue) {
        return FailureReasons.groups(browse(deadLetterQueue(queue), MAX_MESSAGES));
    }

    @Override
    public OperationResult replay(String queue, Selection selection, ReplayOptions options) {
        String destination = options.targetQueue() != null ? options.targetQueue() : "the original queue";
        long pauseNanos = options.maxPerSecond() == 0 ? 0 : 1_000_000_000L / options.maxPerSecond();
        // x-original-queue is written by whoever dead-lettered the message, a producer too: without an
        // explicit target, a replay goes only to the engine's own queues, as on RabbitMQ.
        List<String> workQueues = queues.get();
        Predicate<DeadLetter> allowed = options.targetQueue() != null ? letter -> true
                : letter -> workQueues.contains(letter.originalQueue());
        OperationResult result = move(queue, selection, options.dryRun(), destination, allowed, letter -> {
            if (pauseNanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
            }
            Map<String, Object> added = new LinkedHashMap<>();
            added.put(REPLAYS_HEADER, letter.replays() + 1);
            return new Target(options.targetQueue() != null ? options.targetQueue() : letter.originalQueue(), added,
                    JmsMessages.FAILURE_HEADERS);
        });
        if (!options.dryRun()) {
            log.info("Replayed {} of {} dead letters from {} ({}) to {}", result.moved(), result.examined(),
                    deadLetterQueue(queue), selection, destination);
        }
        if (result.refused() > 0) {
            log.warn("Left {} selected dead letters in {}: their x-original-queue is not a queue of this engine, and a "
                    + "producer can write that header; replay them with a target queue if that is where they belong",
                    result.refused(), deadLetterQueue(queue));
        }
        return result;
    }

    @Override
    public OperationResult discard(String queue, Selection selection, String reason, String operator) {
        if (reason == null || reason.isBlank()) {
            throw new WarrenException("discarding needs a reason, so that whoever finds the messages later knows why");
        }
        OperationResult result = move(queue, selection, false, DISCARDED_JMS_QUEUE, letter -> true, letter -> new Target(DISCARDED_JMS_QUEUE,
                Map.of(DISCARD_REASON_HEADER, reason, DISCARDED_BY_HEADER, operator, WarrenHeaders.DISCARDED_AT,
                        System.currentTimeMillis()), Set.of()));
        log.warn("Discarded {} dead letters from {} ({}) to {}, by {}: {}", result.moved(), deadLetterQueue(queue), selection,
                DISCARDED_JMS_QUEUE, operator, reason);
        return result;
    }

    private record Target(String queue, Map<String, Object> added, Set<String> removed) {
    }

    /** Moves the selected letters that {@code allowed} accepts; the others it refuses go back like the unselected. */
    private OperationResult move(String queue, Selection selection, boolean dryRun, String destination,
            Predicate<DeadLetter> allowed, java.util.function.Function<DeadLetter, Target> target) {
        String dlq = deadLetterQueue(queue);
        List<String> ids = new ArrayList<>();
        if (dryRun) {
            List<DeadLetter> letters = browse(dlq, MAX_MESSAGES);
            List<DeadLetter> matched = letters.stream().filter(selection::matches).toList();
            matched.forEach(letter -> ids.add(String.valueOf(letter.messageId())));
            int refused = (int) matched.stream().filter(allowed.negate()).count();
            return new OperationResult(queue, selection.toString(), letters.size(), ids.size(), 0, destination, ids, true,
                    refused);
        }
        // Only what is there now: copies put back at the end are not looked at twice.
        int present = browse(dlq, MAX_MESSAGES).size();
        int examined = 0;
        int moved = 0;
        int refused = 0;
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue source = (Queue) destinations.resolveDestinationName(session, dlq, false);
            try (MessageConsumer consumer = session.createConsumer(source); MessageProducer producer = session.createProducer(null)) {
                while (examined < present) {
                    Message message = consumer.receive(RECEIVE_TIMEOUT_MILLIS);
                    if (message == null) {
                        break;
                    }
                    examined++;
                    DeadLetter letter = parse(dlq, message);
                    boolean selected = selection.matches(letter);
                    if (selected && !allowed.test(letter)) {
                        refused++;
                        ids.add(String.valueOf(letter.messageId()));
                    }
                    if (selected && allowed.test(letter)) {
                        Target to = target.apply(letter);
                        producer.send(destinations.resolveDestinationName(session, to.queue(), false),
                                JmsMessages.copy(session, message, to.added(), to.removed()));
                        ids.add(String.valueOf(letter.messageId()));
                        moved++;
                    } else {
                        producer.send(source, JmsMessages.copy(session, message, Map.of(), Set.of()));
                    }
                    if (examined % COMMIT_EVERY == 0) {
                        session.commit();
                    }
                }
                session.commit();
            }
        } catch (JMSException e) {
            throw new WarrenException("Could not move dead letters from " + dlq + ": " + e.getMessage(), e);
        }
        return new OperationResult(queue, selection.toString(), examined, moved + refused, moved, destination, ids, false,
                refused);
    }

    private List<DeadLetter> browse(String dlq, int limit) {
        List<DeadLetter> letters = new ArrayList<>();
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = session.createBrowser((Queue) destinations.resolveDestinationName(session, dlq, false))) {
                Enumeration<?> messages = browser.getEnumeration();
                while (messages.hasMoreElements() && letters.size() < Math.min(limit, MAX_MESSAGES)) {
                    letters.add(parse(dlq, (Message) messages.nextElement()));
                }
            }
        } catch (JMSException e) {
            throw new WarrenException("Could not read dead letters from " + dlq + ": " + e.getMessage(), e);
        }
        return letters;
    }

    static DeadLetter parse(String dlq, Message message) throws JMSException {
        Map<String, Object> headers = JmsMessages.headers(message);
        String originalQueue = text(headers.get(WarrenHeaders.ORIGINAL_QUEUE));
        if (originalQueue == null) {
            originalQueue = dlq.endsWith(".dlq") ? dlq.substring(0, dlq.length() - ".dlq".length()) : dlq;
        }
        String stackTrace = text(headers.get(WarrenHeaders.EXCEPTION_STACKTRACE));
        String reason = text(headers.get(WarrenHeaders.EXCEPTION_MESSAGE));
        if (reason == null) {
            reason = "no reason recorded";
        }
        String exceptionType = FailureReasons.exceptionType(stackTrace);
        Object failedAt = headers.get(WarrenHeaders.FAILED_AT);
        Instant failed = failedAt instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                : message.getJMSTimestamp() > 0 ? Instant.ofEpochMilli(message.getJMSTimestamp()) : null;
        byte[] body = JmsMessages.body(message);
        Object contentType = headers.get(JmsMessages.CONTENT_TYPE);
        return new DeadLetter(JmsMessages.messageId(message), originalQueue, reason, exceptionType, stackTrace,
                number(headers.get(WarrenHeaders.ATTEMPTS)), text(headers.get(WarrenHeaders.FAILURE_CLASS)), failed,
                FailureReasons.fingerprint(exceptionType, stackTrace, reason), number(headers.get(REPLAYS_HEADER)),
                contentType == null ? null : contentType.toString(), body == null ? new byte[0] : body,
                Collections.unmodifiableMap(headers));
    }

    /** The dead-letter queue of a work queue of the engine; any other name is refused, even one ending with {@code .dlq}. */
    private String deadLetterQueue(String queue) {
        List<String> workQueues = queues.get();
        for (String workQueue : workQueues) {
            if (workQueue.equals(queue) || QueueSpec.deadLetterQueueName(workQueue).equals(queue)) {
                return QueueSpec.deadLetterQueueName(workQueue);
            }
        }
        throw new UnknownDeadLetterQueueException(queue, workQueues);
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }

    private static int number(@Nullable Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? 0 : Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
