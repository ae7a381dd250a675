package dev.warren.consumer;

import dev.warren.WarrenException;
import dev.warren.annotation.QueueType;
import java.util.Objects;

/**
 * How one handler's queue is declared and consumed.
 *
 * @param concurrency concurrent consumers in this instance, at least 1
 * @param prefetch unacknowledged messages the broker may push to each consumer, at least 1; a
 *     consumer holds at most {@code concurrency × prefetch} messages in memory
 * @param queueType quorum or classic
 * @since 0.1
 */
public record ConsumerSettings(int concurrency, int prefetch, QueueType queueType) {

    /** One consumer per instance: add instances or raise it per handler. */
    public static final int DEFAULT_CONCURRENCY = 1;

    /** Small enough that slow work spreads over competing instances, large enough to keep one busy. */
    public static final int DEFAULT_PREFETCH = 10;

    /** The defaults: {@value #DEFAULT_CONCURRENCY} consumer, prefetch {@value #DEFAULT_PREFETCH}, quorum queues. */
    public static final ConsumerSettings DEFAULTS = new ConsumerSettings(DEFAULT_CONCURRENCY, DEFAULT_PREFETCH, QueueType.QUORUM);

    /**
     * Validates the settings.
     */
    public ConsumerSettings {
        if (concurrency < 1) {
            throw new WarrenException("concurrency must be >= 1 but was " + concurrency);
        }
        if (prefetch < 1) {
            throw new WarrenException("prefetch must be >= 1 but was " + prefetch
                    + "; 0 would let the broker push an unbounded number of messages");
        }
        Objects.requireNonNull(queueType, "queueType");
        if (queueType == QueueType.DEFAULT) {
            throw new WarrenException("queue type must be QUORUM or CLASSIC but was DEFAULT");
        }
    }

    /**
     * Applies the values an annotation sets over these settings; {@code 0} and
     * {@link QueueType#DEFAULT} leave a value as it is, and a negative value is rejected.
     *
     * @param concurrency the annotation's concurrency
     * @param prefetch the annotation's prefetch
     * @param queueType the annotation's queue type
     * @return the merged settings
     */
    public ConsumerSettings overriddenBy(int concurrency, int prefetch, QueueType queueType) {
        return new ConsumerSettings(
                concurrency != 0 ? concurrency : this.concurrency,
                prefetch != 0 ? prefetch : this.prefetch,
                queueType != QueueType.DEFAULT ? queueType : this.queueType);
    }
}
