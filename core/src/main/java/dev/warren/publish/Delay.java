package dev.warren.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a message is to be delivered: after a delay, or at an instant. Warren holds it in the
 * broker, in durable delay queues without plugins, so it survives restarts of the application,
 * and a long delay never holds back a short one. Known limit: when the broker restarts, messages
 * that fell due while it was down and are bound for a quorum queue can be dropped before that
 * queue has elected its leader (the delay queues pass them on at most once); classic
 * destinations keep them.
 *
 * <pre>{@code
 * warren.send("invoices.remind", reminder, Delay.of(Duration.ofDays(3)));
 * warren.send("reports.build", request, Delay.until(tomorrowAtSix));
 * }</pre>
 *
 * <p>Resolution: {@value #RESOLUTION_MILLIS} ms; the longest delay is {@link #MAX} (about 620 days).
 *
 * @since 0.1
 */
public final class Delay {

    /** The delay queues' unit: delays are rounded to it. */
    public static final long RESOLUTION_MILLIS = 100;

    /** Delay levels: one durable queue each, holding messages 2^level units. */
    public static final int LEVELS = 29;

    /** The longest delay. */
    public static final Duration MAX = Duration.ofMillis(RESOLUTION_MILLIS * ((1L << LEVELS) - 1));

    private final Duration delay;
    private final Instant at;

    private Delay(Duration delay, Instant at) {
        this.delay = delay;
        this.at = at;
    }

    /**
     * Delivery after a delay from now.
     *
     * @param delay zero or more, at most {@link #MAX}
     * @return the delay
     */
    public static Delay of(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("a delay must be between 0 and " + MAX + " but was " + delay);
        }
        return new Delay(delay, null);
    }

    /**
     * Delivery at an instant; an instant in the past delivers at once.
     *
     * @param instant when
     * @return the delay
     */
    public static Delay until(Instant instant) {
        return new Delay(null, Objects.requireNonNull(instant, "instant"));
    }

    /**
     * How long from now, at least zero.
     *
     * @param clock now
     * @return the remaining delay
     */
    public Duration remaining(Clock clock) {
        Duration remaining = at != null ? Duration.between(clock.instant(), at) : delay;
        if (remaining.isNegative()) {
            return Duration.ZERO;
        }
        if (remaining.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("delivery at " + at + " is further away than the longest delay, " + MAX);
        }
        return remaining;
    }

    /**
     * The instant of delivery, for a delay counted from now.
     *
     * @param clock now
     * @return the due instant
     */
    public Instant dueAt(Clock clock) {
        return at != null ? at : clock.instant().plus(delay);
    }

    @Override
    public String toString() {
        return at != null ? "until " + at : "of " + delay;
    }
}
