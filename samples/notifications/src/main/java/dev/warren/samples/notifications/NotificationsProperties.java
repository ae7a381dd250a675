package dev.warren.samples.notifications;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's settings.
 *
 * @param topic the topic notifications are published to
 * @param smsFailsFirstAttempt whether the simulated SMS provider times out on every message's
 *     first attempt, to show a retry
 */
@ConfigurationProperties("notifications")
public record NotificationsProperties(String topic, boolean smsFailsFirstAttempt) {
}
