package dev.warren.samples.protection;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The gateway did not answer: an I/O failure, which Warren classifies as transient and retries. */
public class GatewayUnavailableException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    public GatewayUnavailableException(String message) {
        super(message, new IOException(message));
    }
}
