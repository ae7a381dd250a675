package dev.warren.samples.fanout;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's settings.
 *
 * @param topic the topic new users are announced on
 */
@ConfigurationProperties("users")
public record UserProperties(String topic) {
}
