package dev.warren.topology;

import dev.warren.annotation.QueueType;
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
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("x-queue-type", type.name().toLowerCase(java.util.Locale.ROOT));
        arguments.put("x-dead-letter-exchange", Topology.DEAD_LETTER_EXCHANGE);
        arguments.put("x-dead-letter-routing-key", name);
        return new QueueSpec(name, type, arguments);
    }

    /**
     * The dead-letter queue of a work queue.
     *
     * @param workQueue the work queue's name
     * @param type quorum or classic
     * @return the spec of {@code <workQueue>.dlq}
     */
    public static QueueSpec deadLetterQueue(String workQueue, QueueType type) {
        return new QueueSpec(deadLetterQueueName(workQueue), type,
                Map.of("x-queue-type", type.name().toLowerCase(java.util.Locale.ROOT)));
    }

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
