package dev.warren.internal.pipeline;

import dev.warren.failure.PermanentFailureException;

/** A payload that decoded but breaks its Bean Validation constraints. Permanent. */
public final class InvalidPayloadException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String message) {
        super(message);
    }
}
