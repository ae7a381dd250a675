package dev.warren.deadletter;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Dead letters that failed the same way: the same exception type at the same place, so that one bug
 * is one group however many messages it hit.
 *
 * @param fingerprint the group's key
 * @param exceptionType the exception class, if known
 * @param exampleReason the reason of one of its messages
 * @param count how many messages it holds
 * @param firstSeen the earliest failure, if known
 * @param lastSeen the latest failure, if known
 * @since 0.1
 */
public record FailureGroup(String fingerprint, @Nullable String exceptionType, String exampleReason, long count,
        @Nullable Instant firstSeen, @Nullable Instant lastSeen) {
}
