package dev.warren.annotation.processing;

import java.util.Locale;

/**
 * The errors {@link HandlerProcessor} reports, each with a stable id that starts its message, so
 * that it can be searched for and documented. Ids are never reused for another problem.
 */
enum HandlerError {

    /** A method has both {@code @Consumer} and {@code @Subscribe}. */
    BOTH_ANNOTATIONS(1),

    /** A queue, topic or group name is empty or blank. */
    BLANK_NAME(2),

    /** A queue, topic or group name is too long or contains whitespace or control characters. */
    INVALID_NAME(3),

    /** A handler method is private or static. */
    INACCESSIBLE_METHOD(4),

    /** A handler method has no payload parameter. */
    NO_PAYLOAD(5),

    /** A handler method has more than one payload parameter. */
    TWO_PAYLOADS(6),

    /** A handler method takes {@code MessageContext} more than once. */
    TWO_CONTEXTS(7),

    /** The payload type cannot be decoded: {@code Object}, or a raw {@code Map} without the opt-in. */
    UNDECODABLE_PAYLOAD(8),

    /** A handler returns a {@code Future} or {@code CompletionStage}. */
    ASYNC_RETURN(9),

    /** {@code @Retry(backoff)} or {@code @Retry(maxBackoff)} is not a valid duration. */
    INVALID_BACKOFF(10),

    /** {@code @Retry(maxAttempts)} is out of range. */
    INVALID_MAX_ATTEMPTS(11),

    /** {@code @Retry(multiplier)} is out of range. */
    INVALID_MULTIPLIER(12),

    /** {@code @Retry(jitter)} is out of range. */
    INVALID_JITTER(13),

    /** {@code prefetch} is out of range. */
    INVALID_PREFETCH(14),

    /** {@code concurrency} is negative. */
    INVALID_CONCURRENCY(15),

    /** {@code rateLimit} is not like {@code 100/s}. */
    INVALID_RATE_LIMIT(16),

    /** {@code circuitBreaker} is not a valid name. */
    INVALID_CIRCUIT_BREAKER(17),

    /** Two handlers of one compilation unit consume the same queue. */
    DUPLICATE_QUEUE(18);

    private final String id;

    HandlerError(int number) {
        this.id = String.format(Locale.ROOT, "WARREN-%03d", number);
    }

    /** The id, such as {@code WARREN-001}. */
    String id() {
        return id;
    }

    /** A message for this error: the id in brackets, then the text. */
    String message(String text) {
        return "[" + id + "] " + text;
    }
}
