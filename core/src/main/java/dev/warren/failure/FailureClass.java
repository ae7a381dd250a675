package dev.warren.failure;

/**
 * What kind of failure a handler's exception is, which decides whether the message is retried.
 * Recorded on dead-lettered messages in the header {@code x-warren-failure-class}.
 *
 * @since 0.1
 */
public enum FailureClass {

    /** Can never succeed (bad input, a rule violated): straight to the dead-letter queue. */
    PERMANENT,

    /** May succeed later (a dependency down, a timeout): retried with backoff. */
    TRANSIENT,

    /** Neither known to be permanent nor transient: retried, logged and counted so it can be looked into. */
    UNKNOWN;

    /** The header value: {@code permanent}, {@code transient} or {@code unknown}. */
    public String headerValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
