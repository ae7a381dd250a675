package dev.warren.monitor;

import java.time.Instant;

/**
 * A queue or the transactional outbox crossed one of its thresholds ({@code raised}), or came back
 * under it. Warren logs each and hands it to the application: in Spring Boot as an application
 * event, {@code @EventListener void on(Alert alert)}.
 *
 * @param kind which threshold
 * @param queue the work queue; for {@link Kind#OUTBOX_OLDEST_UNSENT}, the outbox table
 * @param value the value that crossed it (messages, or seconds for an age)
 * @param threshold the threshold
 * @param raised {@code true} when crossed, {@code false} when cleared
 * @param at when it was seen
 * @since 0.1
 */
public record Alert(Kind kind, String queue, long value, long threshold, boolean raised, Instant at) {

    /** The thresholds, with the scenario's defaults. */
    public enum Kind {
        /** More than 10,000 messages waiting in the work queue. */
        BACKLOG,
        /** The oldest waiting message older than an hour. */
        OLDEST_MESSAGE,
        /** More than 10 messages in the dead-letter queue: an early warning. */
        DEAD_LETTERS_WARNING,
        /** More than 100 messages in the dead-letter queue. */
        DEAD_LETTERS,
        /**
         * The oldest message written to the transactional outbox and not yet published is older than a
         * minute ({@code warren.outbox.alert-after}): its relay is not running, or cannot publish.
         */
        OUTBOX_OLDEST_UNSENT
    }
}
