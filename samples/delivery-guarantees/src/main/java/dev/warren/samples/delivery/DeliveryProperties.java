package dev.warren.samples.delivery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's settings.
 *
 * @param workTime how long handling one message takes; long enough to kill the application while
 *     a message is in hand
 * @param instance names this instance in {@code GET /processed}
 */
@ConfigurationProperties("delivery")
public record DeliveryProperties(Duration workTime, String instance) {
}
