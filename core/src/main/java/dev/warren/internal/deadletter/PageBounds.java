package dev.warren.internal.deadletter;

import dev.warren.WarrenException;
import dev.warren.deadletter.DeadLetters;

/** The bounds of a peek at a dead-letter queue, the same on every transport. Stateless. */
public final class PageBounds {

    private PageBounds() {
    }

    /**
     * Checks a page: the messages after the first {@code offset}, at most {@code limit} of them,
     * all within the {@value DeadLetters#MAX_MESSAGES} a call reads from the head of the queue.
     *
     * @throws WarrenException naming the bound exceeded and what to do instead
     */
    public static void check(int offset, int limit) {
        if (offset < 0) {
            throw new WarrenException("peek offset must be >= 0 but was " + offset);
        }
        if (limit < 1 || limit > DeadLetters.MAX_MESSAGES) {
            throw new WarrenException("peek limit must be between 1 and " + DeadLetters.MAX_MESSAGES + " but was " + limit);
        }
        if ((long) offset + limit > DeadLetters.MAX_MESSAGES) {
            throw new WarrenException("peek offset + limit must be at most " + DeadLetters.MAX_MESSAGES + " but was "
                    + ((long) offset + limit) + ": a page is read from the head of the queue; replay or discard the "
                    + "messages before it to reach deeper ones");
        }
    }
}
