package dev.warren.spring.autoconfigure;

import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import java.util.ArrayList;
import java.util.List;

/** Virtual hosts and users that a test class makes on the shared broker, each uniquely named, all deleted by {@link #deleteAll()}. */
final class ScratchVirtualHosts {

    private final RabbitManagement management = RabbitBroker.get().management();
    private final List<String> virtualHosts = new ArrayList<>();
    private final List<String> users = new ArrayList<>();

    /** @return the name of a new, empty virtual host */
    String create(String prefix) {
        String virtualHost = RabbitBroker.uniqueName(prefix);
        virtualHosts.add(virtualHost);
        management.createVirtualHost(virtualHost);
        return virtualHost;
    }

    /** @return the name of a new user, without tags, whose password is {@code "secret-" + name} */
    String user(String prefix, String virtualHost, String configure, String write, String read) {
        String user = RabbitBroker.uniqueName(prefix);
        users.add(user);
        management.createUser(user, "secret-" + user, virtualHost, configure, write, read);
        return user;
    }

    void deleteAll() {
        users.forEach(management::deleteUser);
        virtualHosts.forEach(management::deleteVirtualHost);
    }
}
