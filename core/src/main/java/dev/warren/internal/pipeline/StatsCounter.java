package dev.warren.internal.pipeline;

import dev.warren.consumer.ConsumerStats;
import dev.warren.failure.FailureClass;
import java.util.concurrent.atomic.LongAdder;

/** Counts what a consumer does; updated from consumer threads without locks. */
public final class StatsCounter {

    private final LongAdder processed = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder permanent = new LongAdder();
    private final LongAdder transientFailures = new LongAdder();
    private final LongAdder unknown = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private volatile long lastPublishedAtMillis;

    void processed() {
        processed.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void failed(FailureClass failureClass) {
        switch (failureClass) {
            case PERMANENT -> permanent.increment();
            case TRANSIENT -> transientFailures.increment();
            case UNKNOWN -> unknown.increment();
        }
    }

    void rateLimited() {
        rateLimited.increment();
    }

    /** Once a retry copy is safely in its delay queue. */
    void retried() {
        retried.increment();
    }

    /** Once a message is in the dead-letter queue. */
    void deadLettered() {
        deadLettered.increment();
    }

    /** Records the publish time of the message being delivered, for the queue's lag. */
    void delivered(java.time.@org.jspecify.annotations.Nullable Instant publishedAt) {
        if (publishedAt != null) {
            lastPublishedAtMillis = publishedAt.toEpochMilli();
        }
    }

    /** How long the last delivered message had waited since it was published; {@code null} when unknown. */
    public java.time.@org.jspecify.annotations.Nullable Duration lag(java.time.Instant now) {
        long published = lastPublishedAtMillis;
        return published == 0 ? null : java.time.Duration.ofMillis(Math.max(0, now.toEpochMilli() - published));
    }

    public ConsumerStats snapshot() {
        return new ConsumerStats(processed.sum(), duplicates.sum(), retried.sum(), deadLettered.sum(), permanent.sum(),
                transientFailures.sum(), unknown.sum(), rateLimited.sum());
    }
}
