package dev.warren.idempotency;

import dev.warren.WarrenException;
import org.jspecify.annotations.Nullable;

/**
 * The idempotency store could not be reached or refused an operation. Warren treats it as a
 * transient failure: the delivery is retried, never skipped and never processed unguarded.
 *
 * @since 0.1
 */
public final class IdempotencyStoreException extends WarrenException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the store and the key
     * @param cause the store's error
     */
    public IdempotencyStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
