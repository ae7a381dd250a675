package dev.warren.consumer;

import dev.warren.WarrenException;
import dev.warren.annotation.Delivery;
import dev.warren.annotation.QueueType;
import dev.warren.protection.RateLimit;
import dev.warren.retry.RetryPolicy;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one handler's queue is declared and consumed, and how its failures and duplicates are handled.
 *
 * @param concurrency concurrent consumers in this instance, at least 1
 * @param prefetch unacknowledged messages the broker may push to each consumer, at least 1; a
 *     consumer holds at most {@code concurrency × prefetch} messages in memory
 * @param queueType quorum or classic
 * @param retry attempts, backoff and error classes
 * @param delivery at-least-once or at-most-once
 * @param idempotency whether and how duplicates are skipped
 * @param circuitBreaker the name of the circuit breaker the handler's calls go through, or {@code null}
 * @param rateLimit the most messages per period the handler processes in this instance, or {@code null}
 * @param limits the largest message and JSON the consumer decodes; larger ones are dead-lettered
 * @since 0.1
 */
public record ConsumerSettings(int concurrency, int prefetch, QueueType queueType, RetryPolicy retry, Delivery delivery,
        IdempotencySettings idempotency, @Nullable String circuitBreaker, @Nullable RateLimit rateLimit,
        InputLimits limits) {

    /** One consumer per instance: add instances or raise it per handler. */
    public static final int DEFAULT_CONCURRENCY = 1;

    /** Small enough that slow work spreads over competing instances, large enough to keep one busy. */
    public static final int DEFAULT_PREFETCH = 10;

    /** The largest prefetch RabbitMQ accepts. */
    public static final int MAX_PREFETCH = 65_535;

    /**
     * The defaults: {@value #DEFAULT_CONCURRENCY} consumer, prefetch {@value #DEFAULT_PREFETCH}, quorum
     * queues, the default retry policy, at-least-once, no deduplication.
     */
    public static final ConsumerSettings DEFAULTS = new ConsumerSettings(DEFAULT_CONCURRENCY, DEFAULT_PREFETCH, QueueType.QUORUM);

    /**
     * Validates the settings.
     */
    public ConsumerSettings {
        if (concurrency < 1) {
            throw new WarrenException("concurrency must be >= 1 but was " + concurrency);
        }
        if (prefetch < 1 || prefetch > MAX_PREFETCH) {
            throw new WarrenException("prefetch must be between 1 and " + MAX_PREFETCH + " but was " + prefetch
                    + "; 0 would let the broker push an unbounded number of messages");
        }
        Objects.requireNonNull(queueType, "queueType");
        if (queueType == QueueType.DEFAULT) {
            throw new WarrenException("queue type must be QUORUM or CLASSIC but was DEFAULT");
        }
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(delivery, "delivery");
        if (delivery == Delivery.DEFAULT) {
            throw new WarrenException("delivery must be AT_LEAST_ONCE or AT_MOST_ONCE but was DEFAULT");
        }
        Objects.requireNonNull(idempotency, "idempotency");
        if (circuitBreaker != null && circuitBreaker.isBlank()) {
            circuitBreaker = null;
        }
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * Settings with the default input limits.
     *
     * @param concurrency concurrent consumers
     * @param prefetch prefetch per consumer
     * @param queueType quorum or classic
     * @param retry attempts, backoff and error classes
     * @param delivery at-least-once or at-most-once
     * @param idempotency whether and how duplicates are skipped
     * @param circuitBreaker the circuit breaker's name, or {@code null}
     * @param rateLimit the rate limit, or {@code null}
     */
    public ConsumerSettings(int concurrency, int prefetch, QueueType queueType, RetryPolicy retry, Delivery delivery,
            IdempotencySettings idempotency, @Nullable String circuitBreaker, @Nullable RateLimit rateLimit) {
        this(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit, InputLimits.DEFAULTS);
    }

    /**
     * Settings with the default retry policy, at-least-once delivery and no deduplication.
     *
     * @param concurrency concurrent consumers
     * @param prefetch prefetch per consumer
     * @param queueType quorum or classic
     */
    public ConsumerSettings(int concurrency, int prefetch, QueueType queueType) {
        this(concurrency, prefetch, queueType, RetryPolicy.defaults(), Delivery.AT_LEAST_ONCE, IdempotencySettings.DISABLED,
                null, null);
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
                queueType != QueueType.DEFAULT ? queueType : this.queueType,
                retry, delivery, idempotency, circuitBreaker, rateLimit, limits);
    }

    /**
     * These settings with another retry policy.
     *
     * @param retry the policy
     * @return the settings
     */
    public ConsumerSettings withRetry(RetryPolicy retry) {
        return new ConsumerSettings(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit,
                limits);
    }

    /**
     * These settings with another delivery guarantee; {@link Delivery#DEFAULT} keeps this one.
     *
     * @param delivery the guarantee
     * @return the settings
     */
    public ConsumerSettings withDelivery(Delivery delivery) {
        return delivery == Delivery.DEFAULT ? this
                : new ConsumerSettings(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit,
                        limits);
    }

    /**
     * These settings with other idempotency settings.
     *
     * @param idempotency the settings
     * @return the settings
     */
    public ConsumerSettings withIdempotency(IdempotencySettings idempotency) {
        return new ConsumerSettings(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit,
                limits);
    }

    /**
     * These settings with another circuit breaker.
     *
     * @param circuitBreaker the breaker's name, or {@code null} for none
     * @return the settings
     */
    public ConsumerSettings withCircuitBreaker(@Nullable String circuitBreaker) {
        return new ConsumerSettings(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit,
                limits);
    }

    /**
     * These settings with another rate limit.
     *
     * @param rateLimit the limit, or {@code null} for none
     * @return the settings
     */
    public ConsumerSettings withRateLimit(@Nullable RateLimit rateLimit) {
        return new ConsumerSettings(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit,
                limits);
    }

    /**
     * These settings with other input limits.
     *
     * @param limits the limits
     * @return the settings
     */
    public ConsumerSettings withLimits(InputLimits limits) {
        return new ConsumerSettings(concurrency, prefetch, queueType, retry, delivery, idempotency, circuitBreaker, rateLimit,
                limits);
    }
}
