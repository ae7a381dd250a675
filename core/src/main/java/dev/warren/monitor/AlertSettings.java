package dev.warren.monitor;

import dev.warren.WarrenException;
import java.time.Duration;
import java.util.Objects;

/**
 * When queues raise alerts, and how often they are looked at.
 *
 * @param interval how often the broker is asked
 * @param backlog messages waiting in a work queue beyond which {@link Alert.Kind#BACKLOG} is raised
 * @param oldestMessage the age of the oldest waiting message beyond which {@link Alert.Kind#OLDEST_MESSAGE} is raised
 * @param deadLettersWarning dead letters beyond which {@link Alert.Kind#DEAD_LETTERS_WARNING} is raised
 * @param deadLetters dead letters beyond which {@link Alert.Kind#DEAD_LETTERS} is raised
 * @since 0.1
 */
public record AlertSettings(Duration interval, long backlog, Duration oldestMessage, long deadLettersWarning, long deadLetters) {

    /** The scenario's thresholds, looked at every 30 seconds. */
    public static final AlertSettings DEFAULTS = new AlertSettings(Duration.ofSeconds(30), 10_000, Duration.ofHours(1), 10, 100);

    /**
     * Validates the settings.
     */
    public AlertSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(oldestMessage, "oldestMessage");
        if (interval.toMillis() < 100) {
            throw new WarrenException("alert interval must be at least 100ms but was " + interval);
        }
        if (backlog < 0 || deadLettersWarning < 0 || deadLetters < 0) {
            throw new WarrenException("alert thresholds must be >= 0 but were backlog " + backlog + ", dead-letters-warning "
                    + deadLettersWarning + ", dead-letters " + deadLetters);
        }
    }
}
