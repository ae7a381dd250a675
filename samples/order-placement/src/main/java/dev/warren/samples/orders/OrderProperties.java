package dev.warren.samples.orders;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's settings.
 *
 * @param topic the topic placed orders are published to
 * @param timeScale how much of each step's real duration to spend: 1.0 is the scenario's 200 ms
 *     inventory check and 2 s payment in the request, and 4.8 s of work in the subscribers; tests
 *     use a small fraction
 */
@ConfigurationProperties("orders")
public record OrderProperties(String topic, double timeScale) {

    /** How long a step of the given real duration takes here. */
    public Duration scaled(Duration real) {
        return Duration.ofNanos((long) (real.toNanos() * timeScale));
    }
}
