package dev.warren.samples.fanout;

import dev.warren.annotation.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Creates the contact in the CRM. Its group, {@code crm-contact}, gets its own copy of every new user. */
@Component
public class CrmContacts {

    private static final Logger log = LoggerFactory.getLogger(CrmContacts.class);

    private final UserActivity users;

    public CrmContacts(UserActivity users) {
        this.users = users;
    }

    @Subscribe(topic = "${users.topic}", group = "crm-contact")
    void create(UserCreated user) {
        // A real service would call the CRM API here.
        users.handled(user.userId(), "crm-contact");
        log.info("CRM contact created for user {}", user.userId());
    }
}
