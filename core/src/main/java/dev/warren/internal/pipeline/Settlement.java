package dev.warren.internal.pipeline;

import java.util.concurrent.CompletionStage;

/**
 * What a transport does with one delivery once the {@link HandlerPipeline} has decided. The
 * pipeline owns the delivery from its arrival to that decision (admission, permits, limits,
 * decoding, the handler, stats, events and logs); a transport only settles it, through one
 * instance of this per delivery.
 *
 * <p>Threads: called on the consumer thread that received the delivery. The stages returned by
 * {@link #retryLater} and {@link #deadLetter} may complete on another thread (a publisher's
 * confirm thread); what the pipeline runs on their completion is short and never blocks.
 */
public interface Settlement {

    /** What became of a copy the transport was asked to make. */
    enum Copy {
        /** The copy is where it was sent, and the original is settled. */
        MADE,
        /**
         * The copy could not be made: the original went to the dead-letter queue through the
         * broker's own dead-lettering, without Warren's reason headers.
         */
        FELL_BACK
    }

    /**
     * Acknowledges the delivery: the broker forgets it.
     *
     * @return {@code false} when the channel closed first, so the broker delivers the message again
     */
    boolean acknowledge();

    /**
     * Puts a copy that comes back after {@code retry.delay()} with {@code retry.attemptsMade()}
     * recorded on it, then settles the original.
     *
     * @param retry the pipeline's decision
     * @return completes once the copy is safely stored, or the fallback taken
     * @throws RuntimeException when the transport can neither copy nor fall back; the delivery is
     *     then delivered again
     */
    CompletionStage<Copy> retryLater(Outcome.Retry retry);

    /**
     * Puts a copy with the failure's reason headers in the queue's dead-letter queue, then settles
     * the original.
     *
     * @param deadLetter the pipeline's decision
     * @return completes once the copy is safely stored, or the fallback taken
     * @throws RuntimeException when the transport can neither copy nor fall back; the delivery is
     *     then delivered again
     */
    CompletionStage<Copy> deadLetter(Outcome.DeadLetter deadLetter);

    /**
     * Gives the delivery back to its queue untouched, because it was not processed: the consumer is
     * pausing or stopping, or the JVM could not run the handler.
     */
    void handBack();
}
