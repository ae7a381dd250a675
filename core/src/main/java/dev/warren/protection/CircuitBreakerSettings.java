package dev.warren.protection;

import dev.warren.WarrenException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When a circuit breaker opens, how long it stays open, and how it tries again. While a breaker
 * is open, Warren stops consuming from the queues of the handlers behind it; after {@code wait} it
 * lets {@code trialCalls} messages through one at a time (half-open), and closes when they succeed.
 *
 * <pre>{@code
 * CircuitBreakerSettings settings = CircuitBreakerSettings.DEFAULTS.toBuilder()
 *         .failureThreshold(10).waitInOpen(Duration.ofMinutes(1)).build();
 * }</pre>
 *
 * @param failureThreshold consecutive failures that open the breaker (used when no failure rate is set)
 * @param failureRate the failure percentage over the last {@code windowSize} calls that opens the
 *     breaker, 1 to 100, or 0 to count consecutive failures instead
 * @param windowSize how many recent calls the failure and slow-call rates are taken over
 * @param slowCallDuration calls slower than this count as slow, or {@code null} not to count slow calls
 * @param slowCallRate the percentage of slow calls over the window that opens the breaker, 1 to 100
 * @param waitInOpen how long the breaker stays open before its trial calls
 * @param trialCalls calls let through while half-open; all must succeed for it to close
 * @param failureExceptions the exception types that count as failures; empty for every failure
 *     that is not permanent
 * @since 0.1
 */
public record CircuitBreakerSettings(int failureThreshold, int failureRate, int windowSize, @Nullable Duration slowCallDuration,
        int slowCallRate, Duration waitInOpen, int trialCalls, List<Class<? extends Throwable>> failureExceptions) {

    /** Opens after 5 consecutive failures, waits 30 s, then tries 3 calls. */
    public static final CircuitBreakerSettings DEFAULTS = new CircuitBreakerSettings(5, 0, 20, null, 100,
            Duration.ofSeconds(30), 3, List.of());

    /**
     * Validates the settings.
     */
    public CircuitBreakerSettings {
        if (failureThreshold < 1 || failureThreshold > 10_000) {
            throw new WarrenException("circuit breaker failure-threshold must be between 1 and 10000 but was " + failureThreshold);
        }
        if (failureRate < 0 || failureRate > 100) {
            throw new WarrenException("circuit breaker failure-rate must be between 0 (off) and 100 but was " + failureRate);
        }
        if (windowSize < 1 || windowSize > 10_000) {
            throw new WarrenException("circuit breaker window-size must be between 1 and 10000 but was " + windowSize);
        }
        if (slowCallDuration != null && slowCallDuration.toMillis() < 1) {
            throw new WarrenException("circuit breaker slow-call-duration must be at least 1ms but was " + slowCallDuration);
        }
        if (slowCallRate < 1 || slowCallRate > 100) {
            throw new WarrenException("circuit breaker slow-call-rate must be between 1 and 100 but was " + slowCallRate);
        }
        Objects.requireNonNull(waitInOpen, "waitInOpen");
        if (waitInOpen.toMillis() < 1) {
            throw new WarrenException("circuit breaker wait must be at least 1ms but was " + waitInOpen);
        }
        if (trialCalls < 1 || trialCalls > 1_000) {
            throw new WarrenException("circuit breaker trial-calls must be between 1 and 1000 but was " + trialCalls);
        }
        failureExceptions = List.copyOf(failureExceptions);
    }

    /**
     * These settings with another failure threshold.
     *
     * @param failureThreshold consecutive failures that open the breaker
     * @return the settings
     */
    public CircuitBreakerSettings withFailureThreshold(int failureThreshold) {
        return new CircuitBreakerSettings(failureThreshold, failureRate, windowSize, slowCallDuration, slowCallRate, waitInOpen,
                trialCalls, failureExceptions);
    }

    /**
     * These settings with another wait in the open state.
     *
     * @param waitInOpen how long the breaker stays open
     * @return the settings
     */
    public CircuitBreakerSettings withWaitInOpen(Duration waitInOpen) {
        return new CircuitBreakerSettings(failureThreshold, failureRate, windowSize, slowCallDuration, slowCallRate, waitInOpen,
                trialCalls, failureExceptions);
    }

    /**
     * These settings with another number of trial calls.
     *
     * @param trialCalls calls let through while half-open
     * @return the settings
     */
    public CircuitBreakerSettings withTrialCalls(int trialCalls) {
        return new CircuitBreakerSettings(failureThreshold, failureRate, windowSize, slowCallDuration, slowCallRate, waitInOpen,
                trialCalls, failureExceptions);
    }
}
