package dev.warren.deadletter;

import java.util.List;

/**
 * What a replay or discard did.
 *
 * @param queue the work queue whose dead letters it looked at
 * @param selection what it selected
 * @param examined dead letters looked at
 * @param matched dead letters the selection matched
 * @param moved dead letters moved (replayed or discarded); 0 in a dry run
 * @param destination where matched messages go (or would go)
 * @param messageIds the ids of the matched messages
 * @param dryRun whether nothing was moved
 * @since 0.1
 */
public record OperationResult(String queue, String selection, int examined, int matched, int moved, String destination,
        List<String> messageIds, boolean dryRun) {

    /**
     * Copies the list.
     */
    public OperationResult {
        messageIds = List.copyOf(messageIds);
    }
}
