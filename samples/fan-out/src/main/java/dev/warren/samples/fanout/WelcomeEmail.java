package dev.warren.samples.fanout;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Sends the welcome email. Its group, {@code welcome-email}, gets its own copy of every new user. */
@Component
public class WelcomeEmail {

    private static final Logger log = LoggerFactory.getLogger(WelcomeEmail.class);

    private final UserActivity users;

    public WelcomeEmail(UserActivity users) {
        this.users = users;
    }

    @Subscribe(topic = "${users.topic}", group = "welcome-email")
    void send(UserCreated user) {
        // A real service would call the mailer here.
        users.handled(user.userId(), "welcome-email");
        log.info("Welcome email sent for user {}", user.userId());
    }
}
