package dev.warren.failure;

import dev.warren.WarrenException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown (or extended) by a handler to say that the message can never be processed, however often
 * it is retried: it goes straight to the dead-letter queue with this exception's message as the
 * reason.
 *
 * <pre>{@code
 * if (order.lines().isEmpty()) {
 *     throw new PermanentFailureException("order " + order.id() + " has no lines");
 * }
 * }</pre>
 *
 * @since 0.1
 */
public class PermanentFailureException extends WarrenException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the message can never succeed
     */
    public PermanentFailureException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message why the message can never succeed
     * @param cause the underlying failure
     */
    public PermanentFailureException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
