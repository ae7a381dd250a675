package dev.warren.chaos;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a fault cost: how many messages were sent (confirmed by the broker), how many distinct ones
 * were processed, how many deliveries were extra copies, and how many sent messages were never
 * processed. At-least-once delivery allows duplicates and no loss.
 *
 * @param sent messages the broker confirmed
 * @param processed distinct sent messages the handler saw at least once
 * @param duplicated deliveries beyond the first of each message
 * @param lost sent messages the handler never saw
 */
record Tally(int sent, int processed, int duplicated, int lost) {

    /**
     * Counts a run.
     *
     * @param sent ids of the confirmed messages
     * @param deliveries id to number of times the handler saw it
     */
    static Tally of(Collection<Integer> sent, Map<Integer, Integer> deliveries) {
        Set<Integer> sentIds = new HashSet<>(sent);
        int processed = (int) sentIds.stream().filter(deliveries::containsKey).count();
        int duplicated = deliveries.values().stream().mapToInt(n -> n - 1).sum();
        return new Tally(sentIds.size(), processed, duplicated, sentIds.size() - processed);
    }

    /** Prints the counts in one greppable line, e.g. {@code CHAOS ConsumerKilledIT sent=500 processed=500 duplicated=9 lost=0 duration=PT12S}. */
    Tally print(String test, Duration duration) {
        System.out.printf("CHAOS %s sent=%d processed=%d duplicated=%d lost=%d duration=%s%n", test, sent, processed,
                duplicated, lost, duration);
        return this;
    }
}
