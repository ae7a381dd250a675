package dev.warren.internal.pipeline;

import dev.warren.annotation.Delivery;
import dev.warren.failure.FailureClass;
import dev.warren.consumer.DeliveryListener;
import dev.warren.consumer.InputLimits;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.handler.HandlerMethod;
import dev.warren.retry.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes one delivery through decoding, validation, deduplication and the handler, and says what
 * becomes of it: acknowledged, retried later, or dead-lettered. Knows nothing of the transport.
 * Called on consumer threads, concurrently; its own state is immutable or lock-free.
 */
public final class HandlerPipeline {

    private static final Logger log = LoggerFactory.getLogger(HandlerPipeline.class);

    private static final long PERMIT_WAIT_SLICE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);

    private final HandlerEndpoint endpoint;
    private final PayloadDecoder decoder;
    private final InputLimits limits;
    private final PayloadValidator validator;
    private final @Nullable IdempotencyGuard idempotency;
    private final RandomGenerator random;
    private final @Nullable CircuitBreaker breaker;
    private final @Nullable RateLimiter rateLimiter;
    private final ObservationRegistry observations;
    private final StatsCounter stats = new StatsCounter();
    private final DeliveryListener listener;

    public HandlerPipeline(HandlerEndpoint endpoint, JsonMapper mapper, PayloadValidator validator,
            IdempotencyStore idempotencyStore, RandomGenerator random) {
        this(endpoint, mapper, validator, idempotencyStore, random, null, null, ObservationRegistry.NOOP);
    }

    public HandlerPipeline(HandlerEndpoint endpoint, JsonMapper mapper, PayloadValidator validator,
            IdempotencyStore idempotencyStore, RandomGenerator random, @Nullable CircuitBreaker breaker,
            @Nullable RateLimiter rateLimiter, ObservationRegistry observations) {
        this(endpoint, mapper, validator, idempotencyStore, random, breaker, rateLimiter, observations, DeliveryListener.NONE);
    }

    public HandlerPipeline(HandlerEndpoint endpoint, JsonMapper mapper, PayloadValidator validator,
            IdempotencyStore idempotencyStore, RandomGenerator random, @Nullable CircuitBreaker breaker,
            @Nullable RateLimiter rateLimiter, ObservationRegistry observations, DeliveryListener listener) {
        this.listener = SafeDeliveryListener.of(listener);
        this.observations = observations;
        this.breaker = breaker;
        this.rateLimiter = rateLimiter;
        this.endpoint = endpoint;
        this.limits = endpoint.settings().limits();
        // Everything that parses a body of this consumer's queue parses it within the consumer's limits.
        JsonMapper limited = LimitedJsonMapper.of(mapper, limits);
        this.decoder = PayloadDecoder.onLimitedMapper(limited, endpoint.method().payloadType(), limits);
        this.validator = validator;
        this.idempotency = endpoint.settings().idempotency().enabled()
                ? new IdempotencyGuard(endpoint.settings().idempotency(), idempotencyStore, endpoint.consumerName(), limited)
                : null;
        this.random = random;
    }

    public HandlerEndpoint endpoint() {
        return endpoint;
    }

    /** The rate limiter of a handler's {@code rateLimit} setting, or {@code null} without one. */
    public static @Nullable RateLimiter rateLimiter(HandlerEndpoint endpoint) {
        dev.warren.protection.RateLimit limit = endpoint.settings().rateLimit();
        if (limit == null) {
            return null;
        }
        return RateLimiter.of(endpoint.queue(), io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                .limitForPeriod(limit.permits())
                .limitRefreshPeriod(limit.period())
                // A reservation may wait up to a whole period; the pipeline waits for it in slices.
                .timeoutDuration(limit.period().plusMillis(1))
                .build());
    }

    /** Who hears what happens to each message; the transport reports retries and dead letters to it. */
    public DeliveryListener listener() {
        return listener;
    }

    public StatsCounter stats() {
        return stats;
    }

    /**
     * Whether the circuit breaker lets a call through now. When it does not, the transport gives the
     * message back to the queue untouched; when it does, {@link #process} must follow.
     */
    public boolean admits() {
        return breaker == null || breaker.tryAcquirePermission();
    }

    /**
     * Waits, in short slices, until the circuit breaker admits a delivery or {@code keepWaiting} says
     * to give up.
     *
     * <p>Rejecting a delivery back to the queue while the breaker is open or its trial calls are taken
     * would have the broker hand the same message straight back, and every round trip counts toward a
     * quorum queue's delivery limit: a paused consumer would dead-letter healthy messages. Holding the
     * delivery instead returns it once, when the consumer is stopped.
     *
     * @return {@code true} with an admission; {@code false} when the wait was given up
     */
    public boolean awaitAdmission(java.util.function.BooleanSupplier keepWaiting) {
        while (!admits()) {
            if (!keepWaiting.getAsBoolean()) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(ADMISSION_POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    private static final long ADMISSION_POLL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Waits for the rate limiter's permit, in slices, as long as {@code keepWaiting} says so.
     *
     * @return {@code true} with a permit; {@code false} when the wait was given up
     */
    public boolean awaitPermit(java.util.function.BooleanSupplier keepWaiting) {
        if (rateLimiter == null) {
            return true;
        }
        // Reserve the next permit, then wait for its time in short slices, so that a consumer being
        // stopped gives up promptly instead of holding its message until the permit is due.
        long waitNanos = rateLimiter.reservePermission();
        if (waitNanos < 0) {
            return false;
        }
        if (waitNanos > 0) {
            stats.rateLimited();
        }
        long due = System.nanoTime() + waitNanos;
        for (long left = waitNanos; left > 0; left = due - System.nanoTime()) {
            if (!keepWaiting.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, PERMIT_WAIT_SLICE_NANOS));
        }
        return true;
    }

    /** Gives back a permission taken by {@link #admits()} for a delivery that is not processed after all. */
    public void releaseAdmission() {
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /**
     * Processes one delivery inside a {@code warren.process} observation, which continues the trace
     * the publisher started (its context travels in the message headers) and times the processing,
     * tagged with the queue and the outcome. Never throws for a failure of the message, the handler
     * or the store.
     */
    public Outcome process(InboundMessage message) {
        // The context is made only when someone observes: nothing is allocated with the no-op registry.
        Observation observation = Observation.createNotStarted("warren.process", () -> receiverContext(message), observations)
                .contextualName(message.queue() + " process")
                .lowCardinalityKeyValue("queue", message.queue())
                .start();
        Outcome outcome = null;
        try (Observation.Scope scope = observation.openScope()) {
            outcome = processObserved(message);
            return outcome;
        } finally {
            observation.lowCardinalityKeyValue("outcome", outcomeName(outcome));
            if (outcome instanceof Outcome.DeadLetter deadLetter) {
                observation.error(deadLetter.cause());
            }
            observation.stop();
        }
    }

    private static ReceiverContext<Map<String, Object>> receiverContext(InboundMessage message) {
        ReceiverContext<Map<String, Object>> context = new ReceiverContext<>((carrier, key) -> {
            Object value = carrier.get(key);
            return value == null ? null : value.toString();
        });
        context.setCarrier(message.headers());
        context.setRemoteServiceName("rabbitmq");
        return context;
    }

    private static String outcomeName(@Nullable Outcome outcome) {
        if (outcome instanceof Outcome.Acknowledge acknowledge) {
            return acknowledge.duplicate() ? "duplicate" : "processed";
        }
        if (outcome instanceof Outcome.Retry) {
            return "retried";
        }
        return outcome instanceof Outcome.DeadLetter ? "dead_lettered" : "error";
    }

    private Outcome processObserved(InboundMessage message) {
        HandlerMethod handler = endpoint.method();
        int attempt = message.attempt();
        Object payload;
        String key = null;
        try {
            refuseUnacceptable(message);
            payload = decoder.decode(message);
            validator.validate(payload);
            if (idempotency != null && idempotency.transactional() != null) {
                return processInTransaction(message, payload, attempt, idempotency.key(message), idempotency.transactional());
            }
            if (idempotency != null) {
                key = idempotency.key(message);
                IdempotencyStore.Claim claim = idempotency.claim(key);
                if (claim == IdempotencyStore.Claim.ALREADY_PROCESSED) {
                    releaseAdmission();
                    stats.duplicate();
                    listener.duplicate(message.queue(), message.messageId());
                    log.debug("Skipped duplicate message {} on queue {}", message.messageId(), message.queue());
                    return Outcome.DUPLICATE;
                }
                if (claim == IdempotencyStore.Claim.IN_PROGRESS) {
                    releaseAdmission();
                    // Another consumer is on it. Acking this copy would lose the message if that one
                    // dies, so it waits and comes back; it has not been attempted, so no attempt is counted.
                    return new Outcome.Retry(endpoint.settings().retry().delayAfter(1), attempt - 1, null,
                            "another consumer is processing the same key");
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // Bad input or Warren's own store: not the dependency behind the breaker.
            releaseAdmission();
            return failed(message, attempt, e, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), null);
        }
        return invoke(message, payload, attempt, key);
    }

    /**
     * Refuses, before anything parses it, a body over the size limit or one that would have to be
     * inflated first. The body is only measured: no copy of it is made.
     */
    private void refuseUnacceptable(InboundMessage message) {
        if (message.body().length > limits.maxMessageSize()) {
            throw UnacceptableMessageException.tooLarge(message.body().length, limits.maxMessageSize());
        }
        if (HeaderValues.isCompressed(message.contentEncoding())) {
            throw UnacceptableMessageException.compressed(message.contentEncoding());
        }
    }

    /**
     * Dead-letters a message the transport measured as over the size limit before reading its body,
     * as JMS can: the body is then never copied into memory for the pipeline.
     *
     * @param message the message, with an empty body
     * @param size the body's size in bytes
     * @return the dead-letter outcome, or {@code null} when the size is within the limit
     */
    public @Nullable Outcome refuseOversize(InboundMessage message, long size) {
        if (size <= limits.maxMessageSize()) {
            return null;
        }
        UnacceptableMessageException failure = UnacceptableMessageException.tooLarge(size, limits.maxMessageSize());
        releaseAdmission();
        return failed(message, message.attempt(), failure, failure.getMessage(), null);
    }

    /** The largest body this consumer accepts, in bytes. */
    public long maxMessageSize() {
        return limits.maxMessageSize();
    }

    /** Runs the handler, feeds its result to the breaker, and turns a failure into a retry or a dead letter. */
    private Outcome invoke(InboundMessage message, @Nullable Object payload, int attempt, @Nullable String key) {
        HandlerMethod handler = endpoint.method();
        long started = System.nanoTime();
        try {
            handler.invoke(payload, DeliveryContext.of(message));
        } catch (VirtualMachineError e) {
            releaseAdmission();
            // The JVM is in trouble; leave the message unacknowledged so the broker redelivers it.
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = handler.describe() + " threw " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "");
            if (breaker != null) {
                if (endpoint.settings().retry().classify(e) == FailureClass.PERMANENT) {
                    // Bad input says nothing about the dependency.
                    breaker.releasePermission();
                } else {
                    breaker.onError(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS, e);
                    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
                        // A failed trial call means the dependency is still down, whatever the rate says.
                        breaker.transitionToOpenState();
                    }
                }
            }
            return failed(message, attempt, e, reason, key);
        }
        if (breaker != null) {
            breaker.onSuccess(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        stats.processed();
        if (key != null) {
            markProcessed(message, key);
        }
        listener.processed(message.queue(), message.messageId(), payload, attempt);
        log.debug("Processed message {} from queue {} with {} (attempt {})", message.messageId(), message.queue(),
                handler.describe(), attempt);
        return Outcome.ACKNOWLEDGE;
    }

    /**
     * The inbox: the key is recorded in a transaction that the handler's database work joins, so
     * that both commit together; a failed attempt rolls both back.
     */
    private Outcome processInTransaction(InboundMessage message, @Nullable Object payload, int attempt, String key,
            dev.warren.idempotency.TransactionalIdempotencyStore store) {
        try {
            return store.inTransaction(() -> {
                if (idempotency.claim(key) == IdempotencyStore.Claim.ALREADY_PROCESSED) {
                    releaseAdmission();
                    stats.duplicate();
                    listener.duplicate(message.queue(), message.messageId());
                    log.debug("Skipped duplicate message {} on queue {}", message.messageId(), message.queue());
                    return Outcome.DUPLICATE;
                }
                Outcome outcome = invoke(message, payload, attempt, null);
                if (!(outcome instanceof Outcome.Acknowledge)) {
                    throw new RollBack(outcome);
                }
                return outcome;
            });
        } catch (RollBack rollBack) {
            return rollBack.outcome;
        }
    }

    /** Carries a failed attempt's outcome out of the transaction it rolls back. */
    private static final class RollBack extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Outcome outcome;

        RollBack(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private void markProcessed(InboundMessage message, String key) {
        try {
            idempotency.processed(key);
        } catch (RuntimeException e) {
            // The side effect happened; failing now would run it again. The claim expires on its own,
            // after which a duplicate would be processed again: say so.
            log.error("Processed message {} on queue {} but could not record its key in the idempotency store; a duplicate "
                    + "arriving after the claim expires would be processed again", message.messageId(), message.queue(), e);
        }
    }

    private Outcome failed(InboundMessage message, int attempt, Throwable failure, String reason, @Nullable String key) {
        if (key != null) {
            try {
                idempotency.release(key);
            } catch (RuntimeException e) {
                log.warn("Could not release the idempotency claim of message {} on queue {}; it expires on its own",
                        message.messageId(), message.queue(), e);
            }
        }
        RetryPolicy retry = endpoint.settings().retry();
        FailureClass failureClass = retry.classify(failure);
        stats.failed(failureClass);
        listener.failed(message.queue(), message.messageId(), failure, attempt, failureClass);
        boolean retriesLeft = attempt < retry.maxAttempts() && endpoint.settings().delivery() == Delivery.AT_LEAST_ONCE;
        if (failureClass == FailureClass.PERMANENT || !retriesLeft) {
            return new Outcome.DeadLetter(reason, failure, attempt, failureClass);
        }
        if (failureClass == FailureClass.UNKNOWN) {
            log.warn("Attempt {} of {} at message {} on queue {} failed with an unclassified {}; retrying. Declare it "
                    + "permanent or retryable to silence this: {}", attempt, retry.maxAttempts(), message.messageId(),
                    message.queue(), failure.getClass().getName(), reason);
        } else {
            log.info("Attempt {} of {} at message {} on queue {} failed transiently; retrying: {}", attempt,
                    retry.maxAttempts(), message.messageId(), message.queue(), reason);
        }
        return new Outcome.Retry(retry.delayAfter(attempt, random), attempt, failureClass, reason);
    }
}
