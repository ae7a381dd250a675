package dev.warren.failure;

import dev.warren.WarrenException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown (or extended) by a handler to say that processing may succeed later, for example when a
 * dependency answers again: the message is retried with backoff.
 *
 * <pre>{@code
 * if (response.statusCode() == 503) {
 *     throw new TransientFailureException("payment gateway unavailable");
 * }
 * }</pre>
 *
 * @since 0.1
 */
public class TransientFailureException extends WarrenException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     */
    public TransientFailureException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed
     * @param cause the underlying failure
     */
    public TransientFailureException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
