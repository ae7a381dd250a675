package dev.warren.consumer;

/**
 * Whether a handler's consumer is taking messages from its queue right now, as the health
 * indicator reports it:
 *
 * <pre>{@code
 * engine.consumerStates().forEach((queue, state) -> {
 *     if (state == ConsumerState.NOT_CONSUMING) {
 *         log.error("Nothing consumes from {}", queue);
 *     }
 * });
 * }</pre>
 *
 * <p>Immutable.
 *
 * @since 0.1
 */
public enum ConsumerState {

    /** Registered with the broker and taking messages. */
    RUNNING,

    /**
     * Stopped on purpose by its open (or half-open) circuit breaker: the messages wait in the
     * queue, and consumption resumes when the breaker closes. Not a fault of the application.
     */
    PAUSED,

    /**
     * Meant to consume but does not: its queue was deleted, the broker cancelled it, the
     * connection is lost or refused, or the engine is stopped. It keeps trying to come back.
     */
    NOT_CONSUMING
}
