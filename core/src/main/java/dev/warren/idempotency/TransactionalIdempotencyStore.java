package dev.warren.idempotency;

import java.util.function.Supplier;

/**
 * An idempotency store that records keys in a transaction the handler's own database work joins,
 * so that the work and its "processed" mark commit together or not at all: exactly-once effects
 * in that database, on at-least-once delivery. Warren claims the key, runs the handler and commits
 * inside {@link #inTransaction}; a handler failure rolls both back.
 *
 * @since 0.1
 */
public interface TransactionalIdempotencyStore extends IdempotencyStore {

    /**
     * Runs {@code work} in a new transaction; commits when it returns, rolls back when it throws.
     *
     * @param work the claim, the handler and the mark
     * @param <T> what the work returns
     * @return what the work returned
     */
    <T> T inTransaction(Supplier<T> work);
}
