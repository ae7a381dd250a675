package dev.warren.internal;

import dev.warren.WarrenException;
import dev.warren.consumer.ConsumerCustomizer;
import dev.warren.consumer.ConsumerSettings;
import dev.warren.protection.CircuitBreakerSettings;
import dev.warren.retry.RetryPolicy;
import java.time.Duration;

/**
 * Shrinks the waits Warren schedules, so that a test of a one-minute backoff takes milliseconds
 * without changing the application: retry backoffs (and so the delay queues, which are named after
 * their delay) and circuit breakers' wait in the open state. A scaled wait is never below 1 ms.
 * Rates (rate limits) and thresholds (slow calls, alert intervals) are not waits and stay as they are.
 *
 * <pre>{@code
 * TimeScale.of(0.001).scale(Duration.ofMinutes(1));   // 60 ms
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TimeScale {

    /** Changes nothing. */
    public static final TimeScale NONE = new TimeScale(1.0);

    private static final Duration SHORTEST = Duration.ofMillis(1);

    private final double factor;

    private TimeScale(double factor) {
        this.factor = factor;
    }

    /**
     * A scale by a factor.
     *
     * @param factor above 0 and at most 1
     * @return the scale
     * @throws WarrenException when the factor is out of range
     */
    public static TimeScale of(double factor) {
        if (!(factor > 0) || factor > 1) {
            throw new WarrenException("time scale must be above 0 and at most 1 but was " + factor
                    + "; use 1 for real time, 0.001 to turn a minute into 60 ms");
        }
        return factor == 1.0 ? NONE : new TimeScale(factor);
    }

    /** @return the factor */
    public double factor() {
        return factor;
    }

    /**
     * A wait scaled by the factor, at least 1 ms.
     *
     * @param wait the wait in real time
     * @return the scaled wait; the wait itself when the factor is 1
     */
    public Duration scale(Duration wait) {
        if (factor == 1.0) {
            return wait;
        }
        Duration scaled = Duration.ofNanos(Math.round(wait.toNanos() * factor)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return scaled.compareTo(SHORTEST) < 0 ? SHORTEST : scaled;
    }

    /**
     * A retry policy with its backoff and longest backoff scaled.
     *
     * @param policy the policy
     * @return the scaled policy; the policy itself when the factor is 1
     */
    public RetryPolicy scale(RetryPolicy policy) {
        if (factor == 1.0) {
            return policy;
        }
        return policy.toBuilder().backoff(scale(policy.backoff())).maxBackoff(scale(policy.maxBackoff())).build();
    }

    /**
     * Circuit breaker settings with their wait in the open state scaled.
     *
     * @param settings the settings
     * @return the scaled settings; the settings themselves when the factor is 1
     */
    public CircuitBreakerSettings scale(CircuitBreakerSettings settings) {
        return factor == 1.0 ? settings : settings.withWaitInOpen(scale(settings.waitInOpen()));
    }

    /**
     * A customizer that scales the retry policy of the settings another customizer returns, so that
     * the annotation, the defaults and configuration are all scaled.
     *
     * @param customizer the customizer whose result to scale
     * @return the scaling customizer; the customizer itself when the factor is 1
     */
    public ConsumerCustomizer scale(ConsumerCustomizer customizer) {
        if (factor == 1.0) {
            return customizer;
        }
        return (consumerName, settings) -> {
            ConsumerSettings customized = customizer.customize(consumerName, settings);
            return customized.withRetry(scale(customized.retry()));
        };
    }

    @Override
    public String toString() {
        return "TimeScale[" + factor + "]";
    }
}
