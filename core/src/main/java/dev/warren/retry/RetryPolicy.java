package dev.warren.retry;

import dev.warren.WarrenException;
import dev.warren.failure.FailureClass;
import dev.warren.failure.PermanentFailureException;
import dev.warren.failure.TransientFailureException;
import dev.warren.idempotency.IdempotencyStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * How a handler's failures are retried: how many attempts, the exponential backoff between them,
 * and which exceptions are permanent (never retried) or transient. Immutable.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .maxAttempts(5)
 *         .backoff(Duration.ofSeconds(1)).multiplier(2).maxBackoff(Duration.ofMinutes(1))
 *         .permanent(InvalidCardException.class)
 *         .build();
 * policy.delayAfter(1);   // 1s, then 2s, 4s, 8s
 * }</pre>
 *
 * <p>Retries wait in one delay queue per distinct delay ({@link #delays()}), declared up front.
 * With jitter, each delay comes in three variants (shorter, exact, longer), one picked at random
 * per retry, so that messages that failed together come back spread out.
 *
 * @since 0.1
 */
public final class RetryPolicy {

    /** Three attempts in all: the first delivery and two retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** One second before the first retry. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

    /** Each delay doubles. */
    public static final double DEFAULT_MULTIPLIER = 2.0;

    /** No delay is longer than a minute. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);

    /** The largest jitter: delays vary by at most half. */
    public static final double MAX_JITTER = 0.5;

    /** More attempts than this is a loop, not a retry policy. */
    public static final int MAX_MAX_ATTEMPTS = 100;

    private static final RetryPolicy DEFAULTS = builder().build();

    /** Failures that are transient without being listed: I/O, timeouts, a store that did not answer. */
    private static final List<Class<? extends Throwable>> DEFAULT_RETRYABLE = List.of(IOException.class,
            UncheckedIOException.class, TimeoutException.class, SQLTransientException.class, SQLRecoverableException.class,
            IdempotencyStoreException.class, TransientFailureException.class);

    private final int maxAttempts;
    private final Duration backoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final List<Class<? extends Throwable>> permanent;
    private final List<Class<? extends Throwable>> retryable;

    private RetryPolicy(Builder builder) {
        if (builder.maxAttempts < 1 || builder.maxAttempts > MAX_MAX_ATTEMPTS) {
            throw new WarrenException("retry max-attempts must be between 1 and " + MAX_MAX_ATTEMPTS + " but was "
                    + builder.maxAttempts + "; use 1 for no retries");
        }
        if (builder.backoff.toMillis() < 1) {
            throw new WarrenException("retry backoff must be at least 1ms but was " + builder.backoff);
        }
        if (!(builder.multiplier >= 1.0) || builder.multiplier > 100) {
            throw new WarrenException("retry multiplier must be between 1 and 100 but was " + builder.multiplier
                    + "; use 1 for a constant delay");
        }
        if (builder.maxBackoff.compareTo(builder.backoff) < 0) {
            throw new WarrenException("retry max-backoff must be at least the backoff (" + builder.backoff + ") but was "
                    + builder.maxBackoff);
        }
        if (!(builder.jitter >= 0) || builder.jitter > MAX_JITTER) {
            throw new WarrenException("retry jitter must be between 0 and " + MAX_JITTER + " but was " + builder.jitter);
        }
        this.maxAttempts = builder.maxAttempts;
        this.backoff = builder.backoff;
        this.multiplier = builder.multiplier;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
        this.permanent = List.copyOf(builder.permanent);
        this.retryable = List.copyOf(builder.retryable);
    }

    /**
     * The defaults: {@value #DEFAULT_MAX_ATTEMPTS} attempts, 1s backoff doubling up to 1m, no jitter.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a policy from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this policy's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder().maxAttempts(maxAttempts).backoff(backoff).multiplier(multiplier)
                .maxBackoff(maxBackoff).jitter(jitter);
        builder.permanent.addAll(permanent);
        builder.retryable.addAll(retryable);
        return builder;
    }

    /** @return attempts in all, at least 1 */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the delay before the first retry */
    public Duration backoff() {
        return backoff;
    }

    /** @return what each further delay is multiplied by */
    public double multiplier() {
        return multiplier;
    }

    /** @return the longest delay */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return the fraction by which delays vary */
    public double jitter() {
        return jitter;
    }

    /** @return the exception types listed as permanent */
    public List<Class<? extends Throwable>> permanent() {
        return permanent;
    }

    /** @return the exception types listed as transient, besides the defaults */
    public List<Class<? extends Throwable>> retryable() {
        return retryable;
    }

    /**
     * Classifies a handler's failure by the exception and its causes: permanent when any is
     * {@link PermanentFailureException} or listed as permanent; else transient when any is
     * {@link TransientFailureException}, listed as transient or an I/O or timeout exception; else unknown.
     *
     * @param failure what the handler threw
     * @return its class
     */
    public FailureClass classify(Throwable failure) {
        if (anyInChain(failure, PermanentFailureException.class) || permanent.stream().anyMatch(type -> anyInChain(failure, type))) {
            return FailureClass.PERMANENT;
        }
        if (DEFAULT_RETRYABLE.stream().anyMatch(type -> anyInChain(failure, type))
                || retryable.stream().anyMatch(type -> anyInChain(failure, type))) {
            return FailureClass.TRANSIENT;
        }
        return FailureClass.UNKNOWN;
    }

    /**
     * The exact delay after a failed attempt, before jitter.
     *
     * @param failedAttempt the attempt that failed, from 1
     * @return {@code backoff × multiplier^(failedAttempt - 1)}, at most the max backoff
     */
    public Duration delayAfter(int failedAttempt) {
        double millis = backoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }

    /**
     * The delay after a failed attempt with jitter applied: one of the declared variants.
     *
     * @param failedAttempt the attempt that failed, from 1
     * @param random picks the variant
     * @return one of {@link #delays()}
     */
    public Duration delayAfter(int failedAttempt, RandomGenerator random) {
        List<Duration> variants = variants(delayAfter(failedAttempt));
        return variants.get(random.nextInt(variants.size()));
    }

    /**
     * Every distinct delay a retry can wait, jitter variants included; one delay queue each.
     *
     * @return the delays, shortest first; empty when {@link #maxAttempts()} is 1
     */
    public List<Duration> delays() {
        Set<Duration> delays = new LinkedHashSet<>();
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            delays.addAll(variants(delayAfter(attempt)));
        }
        return delays.stream().sorted().toList();
    }

    private List<Duration> variants(Duration exact) {
        if (jitter == 0) {
            return List.of(exact);
        }
        long millis = exact.toMillis();
        long spread = Math.round(millis * jitter);
        return List.of(Duration.ofMillis(Math.max(1, millis - spread)), exact, Duration.ofMillis(millis + spread));
    }

    private static boolean anyInChain(Throwable failure, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetryPolicy that && maxAttempts == that.maxAttempts && backoff.equals(that.backoff)
                && Double.compare(multiplier, that.multiplier) == 0 && maxBackoff.equals(that.maxBackoff)
                && Double.compare(jitter, that.jitter) == 0 && permanent.equals(that.permanent)
                && retryable.equals(that.retryable);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, backoff, multiplier, maxBackoff, jitter, permanent, retryable);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", multiplier=" + multiplier
                + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", permanent=" + permanent + ", retryable="
                + retryable + "]";
    }

    /** Builds a {@link RetryPolicy}; validates on {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration backoff = DEFAULT_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter;
        private final List<Class<? extends Throwable>> permanent = new ArrayList<>();
        private final List<Class<? extends Throwable>> retryable = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param maxAttempts attempts in all, 1 for no retry
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param backoff the delay before the first retry
         * @return this builder
         */
        public Builder backoff(Duration backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * @param multiplier what each further delay is multiplied by, at least 1
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /**
         * @param maxBackoff the longest delay
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * @param jitter the fraction by which delays vary, 0 to 0.5
         * @return this builder
         */
        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /**
         * Adds exception types that are permanent.
         *
         * @param types the types
         * @return this builder
         */
        @SafeVarargs
        public final Builder permanent(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> type : types) {
                if (!permanent.contains(type)) {
                    permanent.add(Objects.requireNonNull(type, "type"));
                }
            }
            return this;
        }

        /**
         * Adds exception types that are transient.
         *
         * @param types the types
         * @return this builder
         */
        @SafeVarargs
        public final Builder retryable(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> type : types) {
                if (!retryable.contains(type)) {
                    retryable.add(Objects.requireNonNull(type, "type"));
                }
            }
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the immutable policy
         * @throws WarrenException naming the first invalid value
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
