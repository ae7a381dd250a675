package dev.warren.deadletter;

import dev.warren.WarrenException;
import java.util.Collection;
import java.util.List;

/**
 * A dead-letter operation named a queue that is not one of the engine's work queues (nor the
 * dead-letter queue of one). Warren operates only on its own dead-letter queues: a name that merely
 * ends with {@code .dlq} may be another application's queue on the same broker.
 *
 * <pre>{@code
 * try {
 *     deadLetters.peek(queue, 5);
 * } catch (UnknownDeadLetterQueueException e) {
 *     e.workQueues();   // what may be named instead
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class UnknownDeadLetterQueueException extends WarrenException {

    private static final long serialVersionUID = 1L;

    private final String queue;
    private final List<String> workQueues;

    /**
     * Creates the exception.
     *
     * @param queue the name given
     * @param workQueues the engine's work queues, one of which (or its {@code .dlq}) may be named instead
     */
    public UnknownDeadLetterQueueException(String queue, Collection<String> workQueues) {
        super("'" + queue + "' is not a work queue of this engine nor the dead-letter queue of one, so Warren does not "
                + "operate on it; name one of its work queues (or its .dlq): " + (workQueues.isEmpty() ? "none registered"
                        : String.join(", ", workQueues)));
        this.queue = queue;
        this.workQueues = List.copyOf(workQueues);
    }

    /** @return the name given */
    public String queue() {
        return queue;
    }

    /** @return the engine's work queues when it was thrown */
    public List<String> workQueues() {
        return workQueues;
    }
}
