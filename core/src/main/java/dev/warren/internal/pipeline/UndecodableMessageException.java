package dev.warren.internal.pipeline;

import dev.warren.failure.PermanentFailureException;
import org.jspecify.annotations.Nullable;

/** A body that is not JSON of the handler's payload type. Permanent: retrying cannot fix it. */
public final class UndecodableMessageException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    public UndecodableMessageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
