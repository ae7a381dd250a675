package dev.warren.deadletter;

import java.util.List;

/**
 * What a replay or discard did.
 *
 * @param queue the work queue whose dead letters it looked at
 * @param selection what it selected
 * @param examined dead letters looked at
 * @param matched dead letters the selection matched, refused ones included
 * @param moved dead letters moved (replayed or discarded); 0 in a dry run
 * @param destination where matched messages go (or would go)
 * @param messageIds the ids of the matched messages
 * @param dryRun whether nothing was moved
 * @param refused matched dead letters a replay left in the dead-letter queue because their
 *     {@code x-original-queue} names no work queue of the engine (a producer can write that header);
 *     replay them with {@link ReplayOptions#targetQueue()} if that is where they belong
 * @since 0.1
 */
public record OperationResult(String queue, String selection, int examined, int matched, int moved, String destination,
        List<String> messageIds, boolean dryRun, int refused) {

    /**
     * Copies the list.
     */
    public OperationResult {
        messageIds = List.copyOf(messageIds);
    }

    /**
     * A result with nothing refused.
     *
     * @param queue the work queue whose dead letters it looked at
     * @param selection what it selected
     * @param examined dead letters looked at
     * @param matched dead letters the selection matched
     * @param moved dead letters moved
     * @param destination where matched messages go (or would go)
     * @param messageIds the ids of the matched messages
     * @param dryRun whether nothing was moved
     */
    public OperationResult(String queue, String selection, int examined, int matched, int moved, String destination,
            List<String> messageIds, boolean dryRun) {
        this(queue, selection, examined, matched, moved, destination, messageIds, dryRun, 0);
    }
}
