package dev.warren;

import org.jspecify.annotations.Nullable;

/**
 * The root of the unchecked exceptions Warren throws. Its message states the problem, the value
 * involved and what to do about it.
 *
 * @since 0.1
 */
public class WarrenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong and how to fix it
     */
    public WarrenException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong and how to fix it
     * @param cause the underlying failure
     */
    public WarrenException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
