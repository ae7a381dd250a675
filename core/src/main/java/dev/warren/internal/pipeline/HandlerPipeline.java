package dev.warren.internal.pipeline;

import dev.warren.annotation.Delivery;
import dev.warren.consumer.DeliveryListener;
import dev.warren.consumer.InputLimits;
import dev.warren.failure.FailureClass;
import dev.warren.idempotency.IdempotencyStore;
import dev.warren.idempotency.TransactionalIdempotencyStore;
import dev.warren.internal.WarrenObservation;
import dev.warren.internal.WarrenObservation.MessagingAttribute;
import dev.warren.internal.WarrenObservation.ProcessTag;
import dev.warren.internal.handler.HandlerEndpoint;
import dev.warren.internal.deadletter.FailureReasons;
import dev.warren.internal.handler.HandlerMethod;
import dev.warren.protection.RateLimit;
import dev.warren.retry.RetryPolicy;
import dev.warren.topology.QueueSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes one delivery from its arrival to its settlement: the circuit breaker's admission and the
 * rate limiter's permit, input limits, decoding, validation, deduplication, the handler, the
 * classification of a failure, stats, {@link DeliveryListener} events and logs. The transport
 * only brings the delivery and settles it as told, through a {@link Settlement}. Knows no broker.
 *
 * <p>Threads: {@link #deliver} runs on the transport's consumer threads, concurrently; the
 * pipeline's own state is immutable or lock-free. Events of a copy (retried, dead-lettered) are
 * reported on the thread that completes the transport's copy, a publisher's confirm thread on
 * RabbitMQ.
 */
public final class HandlerPipeline {

    private static final Logger log = LoggerFactory.getLogger(HandlerPipeline.class);

    /** How long a waiting consumer parks before it checks again whether to keep waiting. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** How often a consumer held by an open breaker asks it again. */
    private static final long ADMISSION_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final HandlerEndpoint endpoint;
    private final PayloadDecoder decoder;
    private final InputLimits limits;
    private final PayloadValidator validator;
    private final @Nullable IdempotencyGuard idempotency;
    private final RandomGenerator random;
    private final @Nullable CircuitBreaker breaker;
    private final @Nullable RateLimiter rateLimiter;
    private final ObservationRegistry observations;
    private final String remoteService;
    private final boolean ackFirst;
    private final StatsCounter stats = new StatsCounter();
    /** The observation's name and queue tag, made once: every delivery of this pipeline is of its queue. */
    private final String contextualName;
    private final KeyValue queueTag;
    private final DeliveryListener listener;

    public HandlerPipeline(HandlerEndpoint endpoint, JsonMapper mapper, PayloadValidator validator,
            IdempotencyStore idempotencyStore, RandomGenerator random) {
        this(endpoint, mapper, validator, idempotencyStore, random, null, null, ObservationRegistry.NOOP);
    }

    public HandlerPipeline(HandlerEndpoint endpoint, JsonMapper mapper, PayloadValidator validator,
            IdempotencyStore idempotencyStore, RandomGenerator random, @Nullable CircuitBreaker breaker,
            @Nullable RateLimiter rateLimiter, ObservationRegistry observations) {
        this(endpoint, mapper, validator, idempotencyStore, random, breaker, rateLimiter, observations, DeliveryListener.NONE,
                "broker");
    }

    /**
     * @param remoteService what the transport talks to, for traces: {@code rabbitmq}, {@code jms}
     */
    public HandlerPipeline(HandlerEndpoint endpoint, JsonMapper mapper, PayloadValidator validator,
            IdempotencyStore idempotencyStore, RandomGenerator random, @Nullable CircuitBreaker breaker,
            @Nullable RateLimiter rateLimiter, ObservationRegistry observations, DeliveryListener listener,
            String remoteService) {
        this.listener = SafeDeliveryListener.of(listener);
        this.observations = observations;
        this.remoteService = remoteService;
        this.breaker = breaker;
        this.rateLimiter = rateLimiter;
        this.endpoint = endpoint;
        this.ackFirst = endpoint.settings().delivery() == Delivery.AT_MOST_ONCE;
        this.contextualName = endpoint.queue() + " process";
        this.queueTag = ProcessTag.QUEUE.withValue(endpoint.queue());
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
        RateLimit limit = endpoint.settings().rateLimit();
        if (limit == null) {
            return null;
        }
        return RateLimiter.of(endpoint.queue(), RateLimiterConfig.custom()
                .limitForPeriod(limit.permits())
                .limitRefreshPeriod(limit.period())
                // A reservation may wait up to a whole period; a consumer that finds every permit of
                // that reach taken waits for the next period and asks again (see awaitPermit).
                .timeoutDuration(limit.period().plusMillis(1))
                .build());
    }

    public StatsCounter stats() {
        return stats;
    }

    /** The largest body this consumer accepts, in bytes. */
    public long maxMessageSize() {
        return limits.maxMessageSize();
    }

    /**
     * Takes one delivery from its arrival to its settlement. The breaker's permit is taken here and
     * given back here, whatever happens in between; so is the rate limiter's wait.
     *
     * @param message the delivery
     * @param settlement how the transport settles it
     * @param running whether the consumer is still meant to run; a wait for the breaker or the rate
     *     limiter ends, and the delivery is handed back, once it says no
     * @throws RuntimeException only when the transport's settlement throws; the transport then lets
     *     the broker deliver the message again
     */
    public void deliver(InboundMessage message, Settlement settlement, BooleanSupplier running) {
        stats.delivered(message.publishedAt());
        if (!awaitAdmission(running)) {
            // The breaker is open and this consumer is being paused. Rejecting the message to the queue
            // at once would have the broker hand it straight back, each round trip counting toward a
            // quorum queue's delivery limit; it is handed back once, as the consumer stops.
            settlement.handBack();
            return;
        }
        HandlerCall call = new HandlerCall();
        try {
            if (!awaitPermit(running)) {
                settlement.handBack();
                return;
            }
            if (ackFirst && !settlement.acknowledge()) {
                // At-most-once: the broker could not forget the message before the handler ran, so it
                // goes to another delivery, and processing it here as well would be a second time.
                log.warn("Could not acknowledge message {} on queue {} before processing it at most once; leaving it "
                        + "to its redelivery", message.messageId(), message.queue());
                return;
            }
            settle(message, process(message, call), settlement);
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            // The JVM, not the message, is in trouble: dead-lettering would blame the message. It goes
            // back to its queue and the consumer keeps going; a quorum queue's delivery limit stops a
            // message that exhausts the heap every time. -XX:+ExitOnOutOfMemoryError exits instead.
            log.error("The JVM could not process message {} on queue {} ({}); handing it back to the queue",
                    message.messageId(), message.queue(), e.toString());
            settlement.handBack();
        } finally {
            call.release();
        }
    }

    /** Waits, in short slices, until the breaker admits a delivery or {@code running} says to give up. */
    private boolean awaitAdmission(BooleanSupplier running) {
        while (breaker != null && !breaker.tryAcquirePermission()) {
            if (!running.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(ADMISSION_POLL_NANOS);
        }
        return true;
    }

    /**
     * Waits for the rate limiter's permit as long as {@code running} says so. A reservation may
     * reach one period ahead; when the other consumers have reserved every permit of that reach, this
     * one waits for the next period and asks again, so a limit below the concurrency only slows the
     * consumers down.
     *
     * @return {@code true} with a permit; {@code false} when the wait was given up
     */
    boolean awaitPermit(BooleanSupplier running) {
        if (rateLimiter == null) {
            return true;
        }
        long waitNanos = rateLimiter.reservePermission();
        if (waitNanos != 0) {
            stats.rateLimited();
        }
        while (waitNanos < 0) {
            if (!parkUnlessStopped(WAIT_SLICE_NANOS, running)) {
                return false;
            }
            waitNanos = rateLimiter.reservePermission();
        }
        // The permit is reserved: wait for its time in short slices, so that a consumer being
        // stopped gives up promptly instead of holding its message until the permit is due.
        long due = System.nanoTime() + waitNanos;
        for (long left = waitNanos; left > 0; left = due - System.nanoTime()) {
            if (!parkUnlessStopped(Math.min(left, WAIT_SLICE_NANOS), running)) {
                return false;
            }
        }
        return true;
    }

    private static boolean parkUnlessStopped(long nanos, BooleanSupplier running) {
        if (!running.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            return false;
        }
        LockSupport.parkNanos(nanos);
        return true;
    }

    /** Settles a delivery as decided, and reports what became of it once the transport has. */
    private void settle(InboundMessage message, Outcome outcome, Settlement settlement) {
        if (outcome instanceof Outcome.Retry retry) {
            settlement.retryLater(retry).thenAccept(copy -> retried(message, retry, copy));
        } else if (outcome instanceof Outcome.DeadLetter deadLetter) {
            settlement.deadLetter(deadLetter).thenAccept(copy -> deadLettered(message, deadLetter, copy));
        } else if (!ackFirst) {
            if (!settlement.acknowledge()) {
                log.warn("The connection closed before message {} on queue {} was acknowledged; the broker delivers it "
                        + "again", message.messageId(), message.queue());
            }
        }
    }

    private void retried(InboundMessage message, Outcome.Retry retry, Settlement.Copy copy) {
        if (copy == Settlement.Copy.FELL_BACK) {
            log.error("Could not put message {} from queue {} into its delay queue; it went to {} without the reason "
                    + "instead of being retried. Failure: {}", message.messageId(), message.queue(),
                    QueueSpec.deadLetterQueueName(message.queue()), FailureReasons.redacted(retry.reason()));
            return;
        }
        stats.retried();
        listener.retried(message.queue(), message.messageId(), retry.attemptsMade(), retry.delay());
        log.debug("Message {} on queue {} waits {} ({})", message.messageId(), message.queue(), retry.delay(), retry.reason());
    }

    private void deadLettered(InboundMessage message, Outcome.DeadLetter deadLetter, Settlement.Copy copy) {
        String deadLetterQueue = QueueSpec.deadLetterQueueName(message.queue());
        if (copy == Settlement.Copy.FELL_BACK) {
            log.error("Could not copy message {} from queue {} with its failure reason; it went to {} without the reason "
                    + "headers. Failure: {}", message.messageId(), message.queue(), deadLetterQueue,
                    FailureReasons.redacted(deadLetter.reason()));
            return;
        }
        stats.deadLettered();
        listener.deadLettered(message.queue(), message.messageId(), deadLetter.reason(), deadLetter.attempts());
        // The reason often quotes a piece of the body, which stays out of logs above DEBUG.
        log.warn("Dead-lettered message {} from queue {} to {} after {} attempt(s), {} failure: {}", message.messageId(),
                message.queue(), deadLetterQueue, deadLetter.attempts(), deadLetter.failureClass().headerValue(),
                FailureReasons.redacted(deadLetter.reason()));
        log.debug("Message {} from queue {} was dead-lettered because {}", message.messageId(), message.queue(),
                deadLetter.reason());
    }

    /**
     * Processes one delivery, without the breaker's admission or the rate limiter, inside a
     * {@code warren.process} observation. See {@link #deliver} for the whole delivery.
     */
    public Outcome process(InboundMessage message) {
        return process(message, new HandlerCall());
    }

    /**
     * Processes one delivery inside a {@code warren.process} observation, which continues the trace
     * the publisher started (its context travels in the message headers) and times the processing,
     * tagged with the queue and the outcome. Never throws for a failure of the message, the handler
     * or the store.
     */
    private Outcome process(InboundMessage message, HandlerCall call) {
        // The context is made only when someone observes: nothing is allocated with the no-op registry.
        Observation observation = Observation.createNotStarted(WarrenObservation.PROCESS.getName(),
                        () -> receiverContext(message), observations)
                .contextualName(contextualName)
                .lowCardinalityKeyValue(queueTag);
        if (!observation.isNoop()) {
            // Spans only: as low-cardinality keys they would change the timer's tags (see WarrenObservation).
            observation.highCardinalityKeyValues(messagingAttributes(message));
        }
        observation.start();
        Outcome outcome = null;
        try (Observation.Scope scope = observation.openScope()) {
            outcome = processObserved(message, call);
            return outcome;
        } finally {
            observation.lowCardinalityKeyValue(ProcessTag.OUTCOME.withValue(outcomeName(outcome)));
            if (outcome instanceof Outcome.DeadLetter deadLetter) {
                observation.error(deadLetter.cause());
            }
            observation.stop();
        }
    }

    private ReceiverContext<Map<String, Object>> receiverContext(InboundMessage message) {
        ReceiverContext<Map<String, Object>> context = new ReceiverContext<>((carrier, key) -> {
            Object value = carrier.get(key);
            return value == null ? null : value.toString();
        });
        context.setCarrier(message.headers());
        context.setRemoteServiceName(remoteService);
        return context;
    }

    /** The OpenTelemetry messaging attributes of a delivery: a subscription's destination is its topic. */
    private KeyValues messagingAttributes(InboundMessage message) {
        KeyValues attributes = KeyValues.of(
                MessagingAttribute.SYSTEM.withValue(remoteService),
                MessagingAttribute.DESTINATION_NAME.withValue(endpoint.topic() != null ? endpoint.topic() : message.queue()),
                MessagingAttribute.OPERATION_TYPE.withValue(WarrenObservation.PROCESS_OPERATION),
                MessagingAttribute.OPERATION_NAME.withValue(WarrenObservation.PROCESS_OPERATION));
        if (message.messageId() != null) {
            attributes = attributes.and(MessagingAttribute.MESSAGE_ID.withValue(message.messageId()));
        }
        if (message.routingKey() != null) {
            attributes = attributes.and(MessagingAttribute.ROUTING_KEY.withValue(message.routingKey()));
        }
        if (endpoint.group() != null) {
            attributes = attributes.and(MessagingAttribute.CONSUMER_GROUP.withValue(endpoint.group()));
        }
        return attributes;
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

    private Outcome processObserved(InboundMessage message, HandlerCall call) {
        int attempt = message.attempt();
        Object payload;
        String key = null;
        try {
            refuseUnacceptable(message);
            payload = decoder.decode(message);
            validator.validate(payload);
            if (idempotency != null && idempotency.transactional() != null) {
                return processInTransaction(message, payload, attempt, idempotency.key(message), idempotency.transactional(),
                        call);
            }
            if (idempotency != null) {
                key = idempotency.key(message);
                IdempotencyStore.Claim claim = idempotency.claim(key);
                if (claim == IdempotencyStore.Claim.ALREADY_PROCESSED) {
                    return duplicate(message);
                }
                if (claim == IdempotencyStore.Claim.IN_PROGRESS) {
                    // Another consumer is on it. Acking this copy would lose the message if that one
                    // dies, so it waits and comes back; it has not been attempted, so no attempt is counted.
                    return new Outcome.Retry(endpoint.settings().retry().delayAfter(1), attempt - 1, null,
                            "another consumer is processing the same key");
                }
            }
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            // Bad input (a stack overflow in a decoder too) or Warren's own store: not the dependency
            // behind the breaker, so the call is not reported to it.
            return failed(message, attempt, e, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), null);
        }
        return invoke(message, payload, attempt, key, call);
    }

    private Outcome duplicate(InboundMessage message) {
        stats.duplicate();
        listener.duplicate(message.queue(), message.messageId());
        log.debug("Skipped duplicate message {} on queue {}", message.messageId(), message.queue());
        return Outcome.DUPLICATE;
    }

    /**
     * Refuses, before anything parses it, a body over the size limit or one that would have to be
     * inflated first. The body is only measured: no copy of it is made.
     */
    private void refuseUnacceptable(InboundMessage message) {
        if (message.size() > limits.maxMessageSize()) {
            throw UnacceptableMessageException.tooLarge(message.size(), limits.maxMessageSize());
        }
        if (HeaderValues.isCompressed(message.contentEncoding())) {
            throw UnacceptableMessageException.compressed(message.contentEncoding());
        }
    }

    /** Runs the handler, records the call for the breaker, and turns a failure into a retry or a dead letter. */
    private Outcome invoke(InboundMessage message, @Nullable Object payload, int attempt, @Nullable String key,
            HandlerCall call) {
        HandlerMethod handler = endpoint.method();
        call.started();
        try {
            handler.invoke(payload, DeliveryContext.of(message));
        } catch (OutOfMemoryError | InternalError | UnknownError e) {
            throw e;
        } catch (Throwable e) {
            // A StackOverflowError lands here too: a payload that makes the handler recurse too deeply
            // fails the same way on every attempt and every instance, so it is a permanent failure.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            call.failed(e);
            String reason = handler.describe() + " threw " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "");
            return failed(message, attempt, e, reason, key);
        }
        call.succeeded();
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
            TransactionalIdempotencyStore store, HandlerCall call) {
        try {
            return store.inTransaction(() -> {
                if (idempotency.claim(key) == IdempotencyStore.Claim.ALREADY_PROCESSED) {
                    return duplicate(message);
                }
                Outcome outcome = invoke(message, payload, attempt, null, call);
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
        FailureClass failureClass = classify(failure, retry);
        stats.failed(failureClass);
        listener.failed(message.queue(), message.messageId(), failure, attempt, failureClass);
        boolean retriesLeft = attempt < retry.maxAttempts() && endpoint.settings().delivery() == Delivery.AT_LEAST_ONCE;
        if (failureClass == FailureClass.PERMANENT || !retriesLeft) {
            return new Outcome.DeadLetter(reason, failure, attempt, failureClass);
        }
        if (failureClass == FailureClass.UNKNOWN) {
            log.warn("Attempt {} of {} at message {} on queue {} failed with an unclassified {}; retrying. Declare it "
                    + "permanent or retryable to silence this: {}", attempt, retry.maxAttempts(), message.messageId(),
                    message.queue(), failure.getClass().getName(), FailureReasons.redacted(reason));
        } else {
            log.info("Attempt {} of {} at message {} on queue {} failed transiently; retrying: {}", attempt,
                    retry.maxAttempts(), message.messageId(), message.queue(), FailureReasons.redacted(reason));
        }
        return new Outcome.Retry(retry.delayAfter(attempt, random), attempt, failureClass, reason);
    }

    /** How a failure counts: a stack overflow is permanent whatever the policy says, since it recurs on every attempt. */
    static FailureClass classify(Throwable failure, RetryPolicy retry) {
        return failure instanceof StackOverflowError ? FailureClass.PERMANENT : retry.classify(failure);
    }

    /**
     * The breaker's permit of one delivery. Only a call that reached the handler and did not fail
     * permanently says something about the dependency behind the breaker, and it is reported as
     * soon as the handler returns, so that concurrent consumers see an opening breaker at once; any
     * other delivery gives the permit back when it ends ({@link #release}, in {@link #deliver}'s
     * {@code finally}).
     */
    private final class HandlerCall {
        private long startedNanos;
        private boolean settled;

        void started() {
            startedNanos = System.nanoTime();
        }

        void succeeded() {
            if (breaker != null && !settled) {
                settled = true;
                breaker.onSuccess(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
            }
        }

        void failed(Throwable failure) {
            if (breaker == null || settled || classify(failure, endpoint.settings().retry()) == FailureClass.PERMANENT) {
                // Bad input says nothing about the dependency: the permit is given back on release.
                return;
            }
            settled = true;
            breaker.onError(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS, failure);
            if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
                // A failed trial call means the dependency is still down, whatever the rate says.
                breaker.transitionToOpenState();
            }
        }

        /** Gives the permit back unless the call was reported. */
        void release() {
            if (breaker != null && !settled) {
                settled = true;
                breaker.releasePermission();
            }
        }
    }
}
