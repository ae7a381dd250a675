package dev.warren.samples.notifications;

import java.util.List;

/**
 * The event on the {@code notifications} topic: small, a reference to the user rather than the user.
 * On the wire (snake_case, see application.yml):
 * {@code {"user_id":"u-42","message":"Your order shipped","channels":["push","sms"]}}.
 *
 * @param userId who to notify; each channel looks up the device, address or number itself
 * @param message the text
 * @param channels where to send it: any of {@code push}, {@code email}, {@code sms}
 */
public record Notification(String userId, String message, List<String> channels) {

    public Notification {
        channels = List.copyOf(channels);
    }
}
