package dev.warren.samples.fanout;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Sends a push notification to the new user. Its group, {@code push-notification}, gets its own copy of every new user. */
@Component
public class PushNotifications {

    private static final Logger log = LoggerFactory.getLogger(PushNotifications.class);

    private final UserActivity users;

    public PushNotifications(UserActivity users) {
        this.users = users;
    }

    @Subscribe(topic = "${users.topic}", group = "push-notification")
    void notify(UserCreated user) {
        // A real service would call the push gateway here.
        users.handled(user.userId(), "push-notification");
        log.info("Push notification sent for user {}", user.userId());
    }
}
