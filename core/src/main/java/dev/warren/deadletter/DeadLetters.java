package dev.warren.deadletter;

import dev.warren.internal.WarrenHeaders;
import dev.warren.internal.deadletter.PageBounds;
import java.util.List;

/**
 * The operator's side of the dead-letter queues: look at what failed, group it by cause, and once
 * the cause is fixed, replay the messages to their queues or discard them with a recorded reason.
 *
 * <pre>{@code
 * DeadLetters deadLetters = engine.deadLetters();
 * deadLetters.peek("payments.charge", 5);                         // look, without consuming
 * deadLetters.groups("payments.charge");                          // one group per bug
 * deadLetters.replay("payments.charge", Selection.all(), ReplayOptions.defaults());
 * deadLetters.discard("payments.charge", Selection.messageId("m-1"), "test order", "alice");
 * }</pre>
 *
 * <p>A replay or discard publishes each message where it goes and waits for the broker's confirm
 * before it removes it from the dead-letter queue, so an interruption can duplicate a message but
 * never lose one. Each call looks at the queue from its head, up to {@value #MAX_MESSAGES}
 * messages however few it moves, so a selection finds a message deep in the queue and the groups
 * count every message up to there; call again for more.
 * Thread-safe; calls run on the caller's thread and do broker I/O.
 *
 * @since 0.1
 */
public interface DeadLetters {

    /** The durable queue where discarded messages are kept, with who discarded them and why. */
    String DISCARDED_QUEUE = "warren.discarded";

    /** Header of a replayed message: how often it was replayed. */
    String REPLAYS_HEADER = WarrenHeaders.REPLAYS;

    /** Header of a discarded message: the reason given. */
    String DISCARD_REASON_HEADER = WarrenHeaders.DISCARD_REASON;

    /** Header of a discarded message: who discarded it. */
    String DISCARDED_BY_HEADER = WarrenHeaders.DISCARDED_BY;

    /** The most messages one call looks at. */
    int MAX_MESSAGES = 10_000;

    /**
     * Every dead-letter queue of the engine's handlers, with its depth and the age of its oldest message.
     *
     * @return the queues
     */
    List<DeadLetterQueue> queues();

    /**
     * The first messages of a dead-letter queue, left where they are.
     *
     * @param queue a work queue of the engine (or its {@code .dlq})
     * @param limit how many, at most {@value #MAX_MESSAGES}
     * @return the messages, oldest first
     * @throws UnknownDeadLetterQueueException when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     */
    List<DeadLetter> peek(String queue, int limit);

    /**
     * A page of a dead-letter queue: the messages after the first {@code offset}, left where they are.
     * Pages are read from the head of the queue each time, so {@code offset + limit} is at most
     * {@value #MAX_MESSAGES}; deeper messages are reached by replaying or discarding those before them.
     *
     * <pre>{@code
     * deadLetters.peek("payments.charge", 0, 100);     // the first hundred
     * deadLetters.peek("payments.charge", 100, 100);   // the next
     * }</pre>
     *
     * @param queue a work queue of the engine (or its {@code .dlq})
     * @param offset how many messages to pass over from the head, at least 0
     * @param limit how many to return, at least 1
     * @return the messages, oldest first; empty past the end
     * @throws UnknownDeadLetterQueueException when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     * @since 0.1
     */
    default List<DeadLetter> peek(String queue, int offset, int limit) {
        PageBounds.check(offset, limit);
        List<DeadLetter> head = peek(queue, offset + limit);
        return head.size() <= offset ? List.of() : List.copyOf(head.subList(offset, head.size()));
    }

    /**
     * The dead letters of a queue grouped by fingerprint, largest group first.
     *
     * @param queue a work queue of the engine (or its {@code .dlq})
     * @return the groups
     * @throws UnknownDeadLetterQueueException when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     */
    List<FailureGroup> groups(String queue);

    /**
     * Moves selected dead letters back to their queue (or another), with the attempt count reset and
     * {@value #REPLAYS_HEADER} counting up.
     *
     * @param queue a work queue of the engine (or its {@code .dlq})
     * @param selection which messages
     * @param options dry run, redirect, pace
     * @return what was (or would be) moved
     * @throws UnknownDeadLetterQueueException when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     */
    OperationResult replay(String queue, Selection selection, ReplayOptions options);

    /**
     * Moves selected dead letters to {@value #DISCARDED_QUEUE} with the reason and who gave it, and logs it.
     *
     * @param queue a work queue of the engine (or its {@code .dlq})
     * @param selection which messages
     * @param reason why they are discarded; required
     * @param operator who discards them
     * @return what was discarded
     * @throws UnknownDeadLetterQueueException when {@code queue} is not a work queue of the engine nor its {@code .dlq}
     */
    OperationResult discard(String queue, Selection selection, String reason, String operator);
}
