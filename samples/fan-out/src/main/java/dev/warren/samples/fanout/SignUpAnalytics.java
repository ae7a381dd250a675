package dev.warren.samples.fanout;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Counts the sign-up for reporting. Its group, {@code analytics}, gets its own copy of every new user. */
@Component
public class SignUpAnalytics {

    private static final Logger log = LoggerFactory.getLogger(SignUpAnalytics.class);

    private final UserActivity users;

    public SignUpAnalytics(UserActivity users) {
        this.users = users;
    }

    @Subscribe(topic = "${users.topic}", group = "analytics")
    void record(UserCreated user) {
        // A real service would write to the analytics store here.
        users.handled(user.userId(), "analytics");
        log.info("Sign-up recorded for user {}", user.userId());
    }
}
