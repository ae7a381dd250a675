package dev.warren.topology;

import dev.warren.annotation.QueueType;
import dev.warren.internal.DurationText;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A durable queue Warren declares, with the arguments it declares it with.
 *
 * @param name the queue name
 * @param type quorum or classic
 * @param arguments the declaration arguments, {@code x-queue-type} included
 * @since 0.1
 */
public record QueueSpec(String name, QueueType type, Map<String, Object> arguments) {

    /**
     * Validates the spec and copies the arguments.
     */
    public QueueSpec {
        Topology.requireName(name, "queue");
        Objects.requireNonNull(type, "type");
        if (type == QueueType.DEFAULT) {
            throw new IllegalArgumentException("queue " + name + " needs a concrete type, QUORUM or CLASSIC, but was DEFAULT");
        }
        arguments = Map.copyOf(arguments);
    }

    /**
     * A work queue that dead-letters through Warren's dead-letter exchange to its
     * {@link #deadLetterQueueName(String) dead-letter queue}.
     *
     * @param name the queue name
     * @param type quorum or classic
     * @return the spec
     */
    public static QueueSpec workQueue(String name, QueueType type) {
        return workQueue(name, type, DEFAULT_DELIVERY_LIMIT);
    }

    /**
     * A work queue with an explicit delivery limit. On quorum queues the limit is set explicitly,
     * because the broker's default changed (RabbitMQ 4.0 made it 20) and a limit below the retry
     * budget would let the broker dead-letter a message Warren still means to retry. Warren's own
     * retries are new messages and do not count; the limit only catches a message that keeps
     * killing its consumer before it can be acknowledged.
     *
     * @param name the queue name
     * @param type quorum or classic
     * @param deliveryLimit redeliveries a quorum queue allows before it dead-letters a message
     * @return the spec
     */
    public static QueueSpec workQueue(String name, QueueType type, int deliveryLimit) {
        return workQueue(name, type, deliveryLimit, Map.of());
    }

    /** The arguments Warren sets itself; overriding them would break dead-lettering or the queue type. */
    private static final java.util.Set<String> MANAGED = java.util.Set.of("x-queue-type", "x-dead-letter-exchange",
            "x-dead-letter-routing-key");

    /**
     * The argument that chooses how a quorum queue dead-letters. Without it the broker dead-letters
     * at most once: a message is gone from the queue before its dead-letter queue confirmed it.
     */
    public static final String DEAD_LETTER_STRATEGY = "x-dead-letter-strategy";

    /** The {@value #DEAD_LETTER_STRATEGY} of Warren's quorum work and delay queues (RabbitMQ 3.10 and later). */
    public static final String AT_LEAST_ONCE = "at-least-once";

    /** The argument that says what a queue does when it reaches its length limit. */
    public static final String OVERFLOW = "x-overflow";

    /**
     * The {@value #OVERFLOW} that at-least-once dead-lettering needs: with {@code drop-head} the broker
     * falls back to at most once. It changes nothing unless the queue has a length limit
     * ({@code x-max-length}, {@code x-max-length-bytes}, or a policy's); then a publish beyond it is
     * refused (a nack) instead of the oldest message being dropped or dead-lettered.
     */
    public static final String REJECT_PUBLISH = "reject-publish";

    /**
     * A work queue with further arguments, such as {@code x-max-length}. Warren's own arguments
     * cannot be overridden, and an {@code x-delivery-limit} must cover the retry budget. A quorum
     * work queue dead-letters {@value #AT_LEAST_ONCE}, so its {@value #OVERFLOW} is
     * {@value #REJECT_PUBLISH}: with a length limit, a publish to a full queue is refused.
     *
     * @param name the queue name
     * @param type quorum or classic
     * @param deliveryLimit the least delivery limit the handler's retries need
     * @param extraArguments further declaration arguments
     * @return the spec
     * @throws dev.warren.WarrenException when an argument clashes with what Warren needs
     */
    public static QueueSpec workQueue(String name, QueueType type, int deliveryLimit, Map<String, Object> extraArguments) {
        for (String managed : MANAGED) {
            if (extraArguments.containsKey(managed)) {
                throw new dev.warren.WarrenException("queue " + name + " argument " + managed + " is managed by Warren and "
                        + "cannot be set; use queue-type for the type, and the dead-letter queue " + name + ".dlq as it is");
            }
        }
        if (type == QueueType.QUORUM) {
            if (extraArguments.containsKey(DEAD_LETTER_STRATEGY)) {
                throw new dev.warren.WarrenException("queue " + name + " argument " + DEAD_LETTER_STRATEGY + " is managed by "
                        + "Warren and cannot be set; quorum work queues dead-letter " + AT_LEAST_ONCE);
            }
            Object overflow = extraArguments.get(OVERFLOW);
            if (overflow != null && !REJECT_PUBLISH.equals(String.valueOf(overflow))) {
                throw new dev.warren.WarrenException("queue " + name + " argument " + OVERFLOW + " '" + overflow + "' would "
                        + "make the broker dead-letter at most once, losing messages on the way to " + name + ".dlq; use "
                        + REJECT_PUBLISH + " (publishes beyond the length limit are refused) or leave it to Warren");
            }
        }
        Object limit = extraArguments.get("x-delivery-limit");
        if (limit instanceof Number n && n.longValue() < deliveryLimit && n.longValue() >= 0) {
            // Only below Warren's retry budget would the broker dead-letter messages Warren still retries.
            throw new dev.warren.WarrenException("queue " + name + " argument x-delivery-limit " + n + " is below "
                    + deliveryLimit + "; raise it or leave it to Warren");
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("x-queue-type", typeName(type));
        arguments.put("x-dead-letter-exchange", Topology.DEAD_LETTER_EXCHANGE);
        arguments.put("x-dead-letter-routing-key", name);
        if (type == QueueType.QUORUM) {
            arguments.put("x-delivery-limit", deliveryLimit);
            // When Warren's own dead-letter copy cannot be published, the original is rejected and the
            // broker's dead-lettering is all that keeps it: it must not drop the message on the way.
            putAtLeastOnceDeadLettering(arguments);
        }
        arguments.putAll(extraArguments);
        return new QueueSpec(name, type, arguments);
    }

    /**
     * A delay queue in which a message waits for its retry: every message expires after the same
     * time (a queue-wide TTL, never a per-message one, so a long delay can never hold back a short
     * one) and is dead-lettered through the default exchange back to its work queue.
     *
     * @param workQueue the work queue
     * @param delay how long messages wait
     * @param type quorum or classic, as the work queue
     * @return the spec of {@code <workQueue>.retry.<delay>}
     */
    public static QueueSpec delayQueue(String workQueue, Duration delay, QueueType type) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("x-queue-type", typeName(type));
        arguments.put("x-message-ttl", delay.toMillis());
        arguments.put("x-dead-letter-exchange", "");
        arguments.put("x-dead-letter-routing-key", workQueue);
        if (type == QueueType.QUORUM) {
            // Quorum queues dead-letter at-most-once unless told otherwise; a retry must not vanish.
            putAtLeastOnceDeadLettering(arguments);
        }
        return new QueueSpec(delayQueueName(workQueue, delay), type, arguments);
    }

    /** The arguments of a quorum queue that dead-letters at least once: the strategy and the overflow it needs. */
    private static void putAtLeastOnceDeadLettering(Map<String, Object> arguments) {
        arguments.put(DEAD_LETTER_STRATEGY, AT_LEAST_ONCE);
        arguments.put(OVERFLOW, REJECT_PUBLISH);
    }

    /**
     * The name of a work queue's delay queue.
     *
     * @param workQueue the work queue
     * @param delay the delay
     * @return {@code <workQueue>.retry.<delay>}, e.g. {@code video.process.retry.2s}
     */
    public static String delayQueueName(String workQueue, Duration delay) {
        return workQueue + ".retry." + DurationText.format(delay);
    }

    /** The delivery limit of quorum work queues, at least the retry budget: RabbitMQ 4.0's default. */
    public static final int DEFAULT_DELIVERY_LIMIT = 20;

    private static String typeName(QueueType type) {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The dead-letter queue of a work queue.
     *
     * @param workQueue the work queue's name
     * @param type quorum or classic
     * @return the spec of {@code <workQueue>.dlq}
     */
    public static QueueSpec deadLetterQueue(String workQueue, QueueType type) {
        if (type == QueueType.QUORUM) {
            // Peeking at a dead letter (basic.get, then requeue) counts as a delivery, and RabbitMQ 4 gives
            // quorum queues a default limit of 20, beyond which a queue without DLX drops the message.
            return new QueueSpec(deadLetterQueueName(workQueue), type,
                    Map.of("x-queue-type", typeName(type), "x-delivery-limit", DEAD_LETTER_DELIVERY_LIMIT));
        }
        return new QueueSpec(deadLetterQueueName(workQueue), type, Map.of("x-queue-type", typeName(type)));
    }

    /** Deliveries a dead letter may see (operators peeking at it) before the broker would drop it: never, in practice. */
    public static final int DEAD_LETTER_DELIVERY_LIMIT = 1_000_000;

    /**
     * The name of a work queue's dead-letter queue.
     *
     * @param workQueue the work queue's name
     * @return {@code <workQueue>.dlq}
     */
    public static String deadLetterQueueName(String workQueue) {
        return workQueue + ".dlq";
    }
}
