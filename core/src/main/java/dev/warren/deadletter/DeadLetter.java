package dev.warren.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A message in a dead-letter queue, with why it is there.
 *
 * @param messageId its {@code message_id}, if it has one
 * @param originalQueue the queue it failed in
 * @param reason what failed ({@code x-exception-message}), or the broker's reason for a message it dead-lettered itself
 * @param exceptionType the failure's exception class, when the stack trace names it
 * @param stackTrace the failure's stack trace, possibly cut
 * @param attempts how many attempts were made
 * @param failureClass {@code permanent}, {@code transient} or {@code unknown}, when Warren dead-lettered it
 * @param failedAt when it was dead-lettered, if known
 * @param fingerprint what groups it with messages that failed the same way
 * @param replays how often it was replayed before
 * @param contentType its content type
 * @param body the body, byte for byte
 * @param headers all its headers
 * @since 0.1
 */
public record DeadLetter(@Nullable String messageId, String originalQueue, String reason, @Nullable String exceptionType,
        @Nullable String stackTrace, int attempts, @Nullable String failureClass, @Nullable Instant failedAt, String fingerprint,
        int replays, @Nullable String contentType, byte[] body, Map<String, Object> headers) {

    /**
     * The body as UTF-8 text, for display.
     *
     * @return the body decoded leniently
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
