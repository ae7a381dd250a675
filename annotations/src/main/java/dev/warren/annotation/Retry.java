package dev.warren.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a handler's failed messages are retried: with exponential backoff, in delay queues that
 * hand them back to the work queue when their time is up, so that the queue never blocks.
 *
 * <pre>{@code
 * @Consumer(queue = "payments.charge",
 *           retry = @Retry(maxAttempts = 5, backoff = "1s", multiplier = 2, maxBackoff = "1m",
 *                          permanent = InvalidCardException.class))
 * void charge(Charge charge) { ... }
 * }</pre>
 *
 * <p>Every attribute left at its default takes the configured value ({@code warren.*}), whose
 * defaults are 3 attempts in all, 1 s backoff, multiplier 2, at most 1 min, no jitter.
 * Durations are written like {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h} or ISO-8601
 * ({@code PT1S}).
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Retry {

    /**
     * Attempts in all, the first delivery included; 1 means no retry.
     *
     * @return at least 1, or 0 for the configured default (3)
     */
    int maxAttempts() default 0;

    /**
     * The delay before the first retry.
     *
     * @return a duration, or empty for the configured default (1s)
     */
    String backoff() default "";

    /**
     * What each further delay is multiplied by.
     *
     * @return at least 1.0, or 0 for the configured default (2)
     */
    double multiplier() default 0;

    /**
     * The longest delay.
     *
     * @return a duration, or empty for the configured default (1m)
     */
    String maxBackoff() default "";

    /**
     * Spreads retries of messages that failed together: each delay varies by up to this fraction,
     * so that they do not all hit a recovering dependency at once.
     *
     * @return a fraction from 0 (none) to 0.5, or 0 for the configured default (none)
     */
    double jitter() default 0;

    /**
     * Exceptions that are permanent: the message goes straight to the dead-letter queue, without
     * retries. Subclasses and exceptions caused by them count too.
     *
     * @return the permanent exception types, added to the configured ones
     */
    Class<? extends Throwable>[] permanent() default {};

    /**
     * Exceptions that are transient: retried with backoff. I/O and timeout exceptions are transient
     * without being listed; anything neither permanent nor transient is unknown, and is retried too.
     *
     * @return the transient exception types, added to the configured ones
     */
    Class<? extends Throwable>[] retryable() default {};
}
