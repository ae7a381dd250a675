package dev.warren.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a message is to be delivered: after a delay, or at an instant. Warren holds it in the
 * broker, in durable delay queues without plugins, so it survives restarts of the application and
 * of the broker, and a long delay never holds back a short one. Once due, a message waits in the
 * queue {@code warren.delay.due} until a started Warren engine on the virtual host (any
 * application's) publishes it to its destination with a confirm; a message that fell due while the
 * broker was down arrives once it is back. A delayed send to a queue that does not exist fails at
 * once; a message whose queue is deleted before it falls due goes to {@code warren.delay.due.dlq}
 * with the reason.
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
