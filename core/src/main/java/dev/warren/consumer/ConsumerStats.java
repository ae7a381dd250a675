package dev.warren.consumer;

/**
 * What one handler's consumer has done since the engine started: a snapshot.
 *
 * @param processed messages the handler processed successfully
 * @param duplicates messages skipped because their key was processed before
 * @param retried failed attempts sent to a delay queue to be tried again
 * @param deadLettered messages moved to the dead-letter queue
 * @param permanentFailures attempts that failed permanently (bad input, a permanent exception)
 * @param transientFailures attempts that failed transiently
 * @param unknownFailures attempts that failed with an exception neither permanent nor transient;
 *     worth an alert, since nobody has classified them yet
 * @param rateLimited messages that waited for the handler's rate limit before they were processed
 * @since 0.1
 */
public record ConsumerStats(long processed, long duplicates, long retried, long deadLettered, long permanentFailures,
        long transientFailures, long unknownFailures, long rateLimited) {
}
