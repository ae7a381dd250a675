package dev.warren.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.warren.consumer.DeliveryListener;
import dev.warren.failure.FailureClass;
import dev.warren.testing.DeliveryEvent.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Records what Warren does with each message and waits, in tests, until something happened: a
 * handler consumed a payload, an attempt failed, a message was retried, dead-lettered, skipped as a
 * duplicate or published. It never sleeps: each {@code await...} returns as soon as the event is
 * recorded, and fails with what was recorded instead after the timeout (10 s unless
 * {@linkplain #within(Duration) set}). It also publishes raw messages, as another service would.
 *
 * <pre>{@code
 * @WarrenSpringTest(timeScale = 0.001)
 * class BillingTests {
 *     @Autowired Warren warren;
 *     @Autowired WarrenHarness harness;
 *
 *     @Test
 *     void badJsonIsDeadLetteredWithTheReason() {
 *         harness.publishRaw("billing", "{\"orderId\": ");
 *         assertThat(harness.awaitDeadLettered("billing")).contains("does not decode as JSON");
 *     }
 * }
 * }</pre>
 *
 * <p>{@link WarrenTest} and {@link WarrenSpringTest} create one per test class, hand it to every
 * engine as its {@link DeliveryListener}, and {@linkplain #reset() reset} it after each test.
 * Elsewhere, create one with {@link #create(ConnectionFactory)} and pass it to
 * {@code WarrenEngine.Builder.deliveryListener}. Queues are named as Warren names them: a
 * {@code @Subscribe} handler's queue is {@code <topic>.<group>}.
 *
 * <p>Thread-safe: Warren's consumer and publisher threads record, the test thread awaits.
 *
 * @since 0.1
 */
public final class WarrenHarness implements DeliveryListener {

    /** How long an {@code await...} waits unless {@linkplain #within(Duration) set}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final int EVENTS_SHOWN = 40;

    private final Queue<DeliveryEvent> events;
    private final ConnectionFactory connectionFactory;
    private final Duration timeout;

    private WarrenHarness(Queue<DeliveryEvent> events, ConnectionFactory connectionFactory, Duration timeout) {
        this.events = events;
        this.connectionFactory = connectionFactory;
        this.timeout = timeout;
    }

    /**
     * A harness that publishes raw messages through a connection factory; pass it to the engine
     * as its delivery listener.
     *
     * @param connectionFactory the factory for {@link #publishRaw}; the caller closes it
     * @return the harness, with the default timeout
     */
    public static WarrenHarness create(ConnectionFactory connectionFactory) {
        return new WarrenHarness(new ConcurrentLinkedQueue<>(), Objects.requireNonNull(connectionFactory, "connectionFactory"),
                DEFAULT_TIMEOUT);
    }

    /**
     * This harness with another timeout; both see the same events.
     *
     * @param timeout how long each {@code await...} waits, above zero
     * @return a harness sharing this one's events
     * @throws IllegalArgumentException when the timeout is not above zero
     */
    public WarrenHarness within(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the harness timeout must be above zero but was " + timeout);
        }
        return new WarrenHarness(events, connectionFactory, timeout);
    }

    /** @return how long each {@code await...} waits */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Waits until a handler consumed a payload of a type from a queue.
     *
     * @param queue the queue
     * @param type the payload's type
     * @param <T> the payload's type
     * @return the first such payload
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public <T> T awaitConsumed(String queue, Class<T> type) {
        return awaitConsumed(queue, type, 1).get(0);
    }

    /**
     * Waits until handlers consumed a number of payloads of a type from a queue.
     *
     * @param queue the queue
     * @param type the payloads' type
     * @param count how many, at least 1
     * @param <T> the payloads' type
     * @return the first {@code count} such payloads, in the order consumed
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public <T> List<T> awaitConsumed(String queue, Class<T> type, int count) {
        List<DeliveryEvent> consumed = awaitEvents(count + " payload(s) of type " + type.getName() + " consumed from " + queue,
                count, event -> event.kind() == Kind.CONSUMED && event.queue().equals(queue) && type.isInstance(event.payload()));
        return consumed.stream().map(event -> type.cast(event.payload())).toList();
    }

    /**
     * Waits until an attempt at a message from a queue failed with an exception of a type, thrown
     * by the handler or found among its causes.
     *
     * @param queue the queue
     * @param type the exception's type
     * @param <X> the exception's type
     * @return the first such exception
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public <X extends Throwable> X awaitFailed(String queue, Class<X> type) {
        DeliveryEvent failed = awaitEvents("an attempt at a message from " + queue + " failing with " + type.getName(), 1,
                event -> event.kind() == Kind.FAILED && event.queue().equals(queue) && causeOfType(event.failure(), type) != null)
                .get(0);
        return Objects.requireNonNull(causeOfType(failed.failure(), type));
    }

    /**
     * Waits until messages from a queue were sent to wait for a retry a number of times in all.
     *
     * @param queue the queue
     * @param times how many retries, at least 1
     * @return the delay of each of the first {@code times} retries
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public List<Duration> awaitRetried(String queue, int times) {
        return delays(awaitEvents(times + " retries of messages from " + queue, times,
                event -> event.kind() == Kind.RETRIED && event.queue().equals(queue)));
    }

    /**
     * Waits until one message was sent to wait for a retry a number of times.
     *
     * @param queue the queue
     * @param messageId the message's id
     * @param times how many retries, at least 1
     * @return the delay of each retry, in order
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public List<Duration> awaitRetried(String queue, String messageId, int times) {
        return delays(awaitEvents(times + " retries of message " + messageId + " from " + queue, times,
                event -> event.kind() == Kind.RETRIED && event.queue().equals(queue) && messageId.equals(event.messageId())));
    }

    /**
     * Waits until a message from a queue was dead-lettered.
     *
     * @param queue the queue
     * @return the reason recorded with the first such message
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public String awaitDeadLettered(String queue) {
        return reason(awaitEvents("a message from " + queue + " dead-lettered", 1,
                event -> event.kind() == Kind.DEAD_LETTERED && event.queue().equals(queue)).get(0));
    }

    /**
     * Waits until one message was dead-lettered.
     *
     * @param queue the queue
     * @param messageId the message's id
     * @return the reason recorded with it
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public String awaitDeadLettered(String queue, String messageId) {
        return reason(awaitEvents("message " + messageId + " from " + queue + " dead-lettered", 1,
                event -> event.kind() == Kind.DEAD_LETTERED && event.queue().equals(queue)
                        && messageId.equals(event.messageId())).get(0));
    }

    /**
     * Waits until an idempotent handler skipped a message from a queue as a duplicate.
     *
     * @param queue the queue
     * @return the first skipped message's id, {@code null} when it had none
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public @Nullable String awaitDuplicate(String queue) {
        return awaitEvents("a duplicate skipped on " + queue, 1,
                event -> event.kind() == Kind.DUPLICATE && event.queue().equals(queue)).get(0).messageId();
    }

    /**
     * Waits until Warren's publisher sent a payload of a type to a queue or topic, and the broker
     * confirmed it.
     *
     * @param destination the queue or topic
     * @param type the payload's type
     * @param <T> the payload's type
     * @return the first such payload
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public <T> T awaitPublished(String destination, Class<T> type) {
        return type.cast(awaitEvents("a payload of type " + type.getName() + " published to " + destination, 1,
                event -> event.kind() == Kind.PUBLISHED && event.queue().equals(destination) && type.isInstance(event.payload()))
                .get(0).payload());
    }

    /**
     * Waits until a number of events of a kind were recorded for a queue, for what the other
     * {@code await...} methods do not cover, such as two duplicates.
     *
     * @param kind what happened
     * @param queue the queue (the queue or topic for {@link Kind#PUBLISHED})
     * @param count how many, at least 1
     * @return the first {@code count} such events
     * @throws AssertionError after the timeout, listing what happened instead
     */
    public List<DeliveryEvent> await(Kind kind, String queue, int count) {
        return awaitEvents(count + " event(s) " + kind + " on " + queue, count,
                event -> event.kind() == kind && event.queue().equals(queue));
    }

    /**
     * What was recorded since the harness was created or last reset, oldest first.
     *
     * @return a snapshot of the events
     */
    public List<DeliveryEvent> events() {
        return List.copyOf(events);
    }

    /** Forgets every event recorded so far; the test extensions call it after each test. */
    public void reset() {
        events.clear();
    }

    /**
     * Publishes a body to a queue as another service would: as it is, content type
     * {@code application/json}, without Warren's headers.
     *
     * @param queue the queue, which must exist (start the engine first)
     * @param json the body, valid JSON or not
     * @throws IllegalStateException when the queue does not exist or the broker does not confirm
     */
    public void publishRaw(String queue, String json) {
        publishRaw(queue, RawMessage.json(json));
    }

    /**
     * Publishes a raw message to a queue, through the default exchange, as another service would.
     *
     * @param queue the queue, which must exist (start the engine first)
     * @param message the body, content type, message id and headers
     * @throws IllegalStateException when the queue does not exist or the broker does not confirm
     */
    public void publishRaw(String queue, RawMessage message) {
        publish("", queue, message, "queue " + queue);
    }

    /**
     * Publishes a raw message to a topic, as another service would: every group subscribed gets it.
     *
     * @param topic the topic, which must exist (start the engine of a subscriber first)
     * @param message the body, content type, message id and headers
     * @throws IllegalStateException when no queue is bound to the topic or the broker does not confirm
     */
    public void publishRawToTopic(String topic, RawMessage message) {
        publish(topic, topic, message, "topic " + topic);
    }

    @Override
    public void processed(String queue, @Nullable String messageId, @Nullable Object payload, int attempt) {
        events.add(new DeliveryEvent(Kind.CONSUMED, queue, messageId, attempt, payload, null, null, null));
    }

    @Override
    public void failed(String queue, @Nullable String messageId, Throwable failure, int attempt, FailureClass failureClass) {
        events.add(new DeliveryEvent(Kind.FAILED, queue, messageId, attempt, null, failure, null, null));
    }

    @Override
    public void retried(String queue, @Nullable String messageId, int attemptsMade, Duration delay) {
        events.add(new DeliveryEvent(Kind.RETRIED, queue, messageId, attemptsMade, null, null, null, delay));
    }

    @Override
    public void deadLettered(String queue, @Nullable String messageId, String reason, int attempts) {
        events.add(new DeliveryEvent(Kind.DEAD_LETTERED, queue, messageId, attempts, null, null, reason, null));
    }

    @Override
    public void duplicate(String queue, @Nullable String messageId) {
        events.add(new DeliveryEvent(Kind.DUPLICATE, queue, messageId, 0, null, null, null, null));
    }

    @Override
    public void published(String destination, boolean topic, String messageId, Object payload) {
        events.add(new DeliveryEvent(Kind.PUBLISHED, destination, messageId, 0, payload, null, null, null));
    }

    private List<DeliveryEvent> awaitEvents(String expectation, int count, Predicate<DeliveryEvent> matching) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1 but was " + count);
        }
        Function<List<DeliveryEvent>, @Nullable List<DeliveryEvent>> probe = recorded -> {
            List<DeliveryEvent> found = recorded.stream().filter(matching).limit(count).toList();
            return found.size() == count ? found : null;
        };
        AtomicReference<@Nullable List<DeliveryEvent>> result = new AtomicReference<>();
        try {
            Awaitility.await(expectation).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL_INTERVAL)
                    .until(() -> {
                        result.set(probe.apply(List.copyOf(events)));
                        return result.get() != null;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Expected " + expectation + " within " + timeout.toMillis() + " ms; recorded instead:"
                    + describe(List.copyOf(events)), e);
        }
        return Objects.requireNonNull(result.get());
    }

    private static String describe(List<DeliveryEvent> recorded) {
        if (recorded.isEmpty()) {
            return " nothing (is the harness the engine's delivery listener, and is the engine started?)";
        }
        Stream<DeliveryEvent> shown = recorded.stream().skip(Math.max(0, recorded.size() - EVENTS_SHOWN));
        String skipped = recorded.size() > EVENTS_SHOWN ? "\n  (" + (recorded.size() - EVENTS_SHOWN) + " earlier events)" : "";
        return skipped + shown.map(event -> "\n  " + event).collect(Collectors.joining());
    }

    private static List<Duration> delays(List<DeliveryEvent> retries) {
        return retries.stream().map(event -> Objects.requireNonNull(event.delay())).toList();
    }

    private static String reason(DeliveryEvent deadLetter) {
        return Objects.requireNonNull(deadLetter.reason());
    }

    private static <X extends Throwable> @Nullable X causeOfType(@Nullable Throwable failure, Class<X> type) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 32; cause = cause.getCause(), depth++) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    /**
     * Publishes on a channel of its own, mandatory and confirmed: a message no queue takes is
     * returned by the broker before its confirm, so the test hears of it instead of waiting in vain.
     */
    private void publish(String exchange, String routingKey, RawMessage message, String destination) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(message.contentType())
                .messageId(message.messageId())
                .headers(message.headers().isEmpty() ? null : message.headers())
                .deliveryMode(2)
                .build();
        AtomicBoolean returned = new AtomicBoolean();
        try (Connection connection = connectionFactory.createConnection()) {
            Channel channel = connection.getDelegate().createChannel();
            try {
                channel.addReturnListener(returnedMessage -> returned.set(true));
                channel.confirmSelect();
                channel.basicPublish(exchange, routingKey, true, properties, message.body());
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("The broker did not confirm the raw message to " + destination + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing a raw message to " + destination, e);
        }
        if (returned.get()) {
            throw new IllegalStateException("No queue took the raw message to " + destination
                    + ": it does not exist yet; start the engine whose handler consumes it before publishing");
        }
    }
}
