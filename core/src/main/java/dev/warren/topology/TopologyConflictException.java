package dev.warren.topology;

import dev.warren.WarrenException;
import org.jspecify.annotations.Nullable;

/**
 * The broker already has a queue or exchange of the same name, declared with other arguments than
 * the ones Warren needs. Thrown at start-up; the message names the object, the argument that
 * differs, both values and what to do.
 *
 * @since 0.1
 */
public final class TopologyConflictException extends WarrenException {

    private static final long serialVersionUID = 1L;

    private final String objectName;
    private final @Nullable String argument;

    /**
     * Creates the exception.
     *
     * @param objectName the queue or exchange
     * @param argument the argument that differs, when the broker named it
     * @param message the full explanation with the fix
     * @param cause the broker's error
     */
    public TopologyConflictException(String objectName, @Nullable String argument, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.objectName = objectName;
        this.argument = argument;
    }

    /**
     * The queue or exchange whose declaration conflicts.
     *
     * @return its name
     */
    public String objectName() {
        return objectName;
    }

    /**
     * The declaration argument that differs, such as {@code x-queue-type} or {@code durable}.
     *
     * @return the argument, or {@code null} when the broker did not name one
     */
    public @Nullable String argument() {
        return argument;
    }
}
