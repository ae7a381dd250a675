package dev.warren.internal;

import java.util.List;

/**
 * Every message header Warren reads or writes, in one place: those Warren owns ({@code x-warren-}),
 * the reason headers it shares with Spring AMQP's {@code RepublishMessageRecoverer} so that tooling
 * built for it reads Warren's dead letters, and the broker's own dead-lettering headers. The
 * README's wire contract documents each.
 */
public final class WarrenHeaders {

    /** The prefix of every header Warren owns. */
    public static final String PREFIX = "x-warren-";

    /** How many attempts were made before this delivery. */
    public static final String ATTEMPTS = "x-warren-attempts";

    /**
     * Of every message Warren publishes: the publish's own number on its channel, which a
     * basic.return brings back, so that a return is matched to its publish and never by
     * {@code message_id}, which producers may leave out or reuse. Every publish overwrites it, so a
     * copy Warren republishes gets a fresh one; handlers do not see it.
     */
    public static final String PUBLISH_CORRELATION = "x-warren-publish-correlation";

    /** Of a dead letter: permanent, transient or unknown. */
    public static final String FAILURE_CLASS = "x-warren-failure-class";

    /** Of a dead letter: when its last attempt failed, in epoch milliseconds. */
    public static final String FAILED_AT = "x-warren-failed-at";

    /** Of a dead letter: the reason, one line for operators. */
    public static final String EXCEPTION_MESSAGE = "x-exception-message";

    /** Of a dead letter: the failure's stack trace, cut to fit the header frame. */
    public static final String EXCEPTION_STACKTRACE = "x-exception-stacktrace";

    /** Of a dead letter: the exchange the original was published to. */
    public static final String ORIGINAL_EXCHANGE = "x-original-exchange";

    /** Of a dead letter: the routing key the original was published with. */
    public static final String ORIGINAL_ROUTING_KEY = "x-original-routingKey";

    /** Of a dead letter: the queue it failed on, where a replay sends it back. */
    public static final String ORIGINAL_QUEUE = "x-original-queue";

    /** Of a replayed message: how many times it was replayed from the dead-letter queue. */
    public static final String REPLAYS = "x-warren-replays";

    /** Of a dead letter being replayed: the pass that moved it, so that one pass moves it once. */
    public static final String REPLAY_PASS = "x-warren-replay-pass";

    /** Of a discarded dead letter: why the operator discarded it. */
    public static final String DISCARD_REASON = "x-warren-discard-reason";

    /** Of a discarded dead letter: who discarded it. */
    public static final String DISCARDED_BY = "x-warren-discarded-by";

    /** Of a discarded dead letter: when, in epoch milliseconds. */
    public static final String DISCARDED_AT = "x-warren-discarded-at";

    /** The prefix of the headers a scheduled message carries while it waits. */
    public static final String DELAY_PREFIX = "x-warren-delay-";

    /** Of a scheduled message: the exchange it goes to when due. */
    public static final String DELAY_EXCHANGE = "x-warren-delay-exchange";

    /** Of a scheduled message: the routing key it goes with when due. */
    public static final String DELAY_ROUTING_KEY = "x-warren-delay-routing-key";

    /** Replaces an {@code x-death} header that cannot be read, so that it cannot stop a consumer. */
    public static final String INVALID_X_DEATH = "x-warren-invalid-x-death";

    /** Of the probe message the start-up access check publishes. */
    public static final String PERMISSION_CHECK = "x-warren-permission-check";

    /** The broker's record of each time it dead-lettered a message. */
    public static final String X_DEATH = "x-death";

    /** Why the broker first dead-lettered a message: rejected, expired, maxlen, delivery_limit. */
    public static final String FIRST_DEATH_REASON = "x-first-death-reason";

    /** Every header of a dead letter that describes its failure, which a replayed copy drops so that a new failure writes its own. */
    public static final List<String> FAILURE = List.of(EXCEPTION_MESSAGE, EXCEPTION_STACKTRACE, ORIGINAL_EXCHANGE,
            ORIGINAL_ROUTING_KEY, ORIGINAL_QUEUE, ATTEMPTS, FAILED_AT, FAILURE_CLASS);

    /** Every header the broker's dead-lettering writes. */
    public static final List<String> BROKER_DEATH = List.of(X_DEATH, "x-first-death-exchange", "x-first-death-queue",
            FIRST_DEATH_REASON, "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason");

    private WarrenHeaders() {
    }

    /** Whether a header is one the broker's dead-lettering writes. */
    public static boolean isBrokerDeath(String name) {
        return name.equals(X_DEATH) || name.startsWith("x-first-death-") || name.startsWith("x-last-death-");
    }
}
