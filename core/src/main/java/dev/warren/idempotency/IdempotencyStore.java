package dev.warren.idempotency;

import java.time.Duration;

/**
 * Remembers which message keys were processed successfully, and which are being processed right
 * now, for idempotent handlers ({@code @Consumer(..., idempotent = true)}).
 *
 * <p>The protocol, per delivery of a message with key {@code k}:
 * <ol>
 *   <li>{@link #claim claim(k, claimTtl)} before the handler runs. {@link Claim#CLAIMED} means this
 *       consumer may process it; {@link Claim#ALREADY_PROCESSED} means the message is a duplicate of
 *       one processed before, so it is acknowledged and skipped; {@link Claim#IN_PROGRESS} means
 *       another consumer holds the claim right now, so this copy waits and is tried again later.</li>
 *   <li>After the handler succeeds, {@link #markProcessed markProcessed(k, ttl)}: the key is then
 *       remembered for {@code ttl}.</li>
 *   <li>After the handler fails, {@link #release release(k)}, so that the retry can claim it.</li>
 * </ol>
 * A claim expires after {@code claimTtl} on its own, so a consumer that dies while processing does
 * not block the key forever.
 *
 * <p>Keys are namespaced by the caller (Warren prefixes the consumer name). Implementations are
 * thread-safe and shared by all consumers of an application; they throw
 * {@link IdempotencyStoreException} when the store cannot be reached, which Warren treats as a
 * transient failure of the delivery.
 *
 * <pre>{@code
 * IdempotencyStore store = new InMemoryIdempotencyStore(100_000, Clock.systemUTC());
 * if (store.claim("payments:" + messageId, Duration.ofMinutes(5)) == Claim.CLAIMED) { ... }
 * }</pre>
 *
 * @since 0.1
 */
public interface IdempotencyStore {

    /** The answer to a {@link #claim}. */
    enum Claim {
        /** Nobody processed the key and nobody is processing it: the caller now holds the claim. */
        CLAIMED,
        /** The key was processed successfully before: skip the message. */
        ALREADY_PROCESSED,
        /** Another consumer holds an unexpired claim on the key: try again later. */
        IN_PROGRESS
    }

    /**
     * Claims a key for processing.
     *
     * @param key the message's key, namespaced by consumer
     * @param claimTtl how long the claim holds if it is neither marked processed nor released
     * @return whether the caller may process the message
     * @throws IdempotencyStoreException when the store cannot be reached
     */
    Claim claim(String key, Duration claimTtl);

    /**
     * Records that the key was processed successfully, replacing the claim.
     *
     * @param key the key
     * @param ttl how long to remember it; duplicates arriving later than this are processed again
     * @throws IdempotencyStoreException when the store cannot be reached
     */
    void markProcessed(String key, Duration ttl);

    /**
     * Gives up a claim after a failed attempt, so that a retry may claim the key. Does nothing when
     * the key is not claimed, or was already marked processed.
     *
     * @param key the key
     * @throws IdempotencyStoreException when the store cannot be reached
     */
    void release(String key);
}
