package dev.warren.publish;

import dev.warren.WarrenException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the publisher talks to the broker.
 *
 * @param confirmTimeout how long a publish waits for the broker's confirm before failing with
 *     {@link PublishException.Reason#TIMEOUT}
 * @param channels how many channels publish in parallel, each with its own confirm stream
 * @param maxInFlight how many messages may await their confirm at once; a publish beyond it waits
 *     (up to the confirm timeout) so that memory stays bounded
 * @since 0.1
 */
public record PublisherSettings(Duration confirmTimeout, int channels, int maxInFlight) {

    /** Ten seconds, long enough for a broker under memory alarm to catch up briefly. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    /** Two channels: enough for a 2-core machine to saturate a broker connection. */
    public static final int DEFAULT_CHANNELS = 2;

    /** 10,000 unconfirmed messages: about 10 MB of 1 KB messages. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

    /** The defaults. */
    public static final PublisherSettings DEFAULTS = new PublisherSettings(DEFAULT_CONFIRM_TIMEOUT, DEFAULT_CHANNELS, DEFAULT_MAX_IN_FLIGHT);

    /**
     * Validates the settings.
     */
    public PublisherSettings {
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
            throw new WarrenException("publisher confirm timeout must be positive but was " + confirmTimeout);
        }
        if (channels < 1) {
            throw new WarrenException("publisher channels must be >= 1 but was " + channels);
        }
        if (maxInFlight < 1) {
            throw new WarrenException("publisher max in-flight must be >= 1 but was " + maxInFlight);
        }
    }
}
