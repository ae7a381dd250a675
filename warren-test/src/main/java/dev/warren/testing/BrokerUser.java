package dev.warren.testing;

import dev.warren.topology.Permissions;
import java.util.Objects;

/**
 * A broker user that {@link TestBroker#createUser(Permissions)} created for a test, with a random
 * password and permissions in the test's virtual host only. Immutable; {@link #toString()} leaves
 * the password out.
 *
 * <pre>{@code
 * BrokerUser user = broker.createUser(permissions);
 * new SpringApplicationBuilder(ShopApplication.class).initializers(broker.applicationInitializer(user)).run();
 * }</pre>
 *
 * @param username the user's name
 * @param password the user's password; do not log it
 * @param permissions what it may configure, write and read in the virtual host
 * @since 0.1
 */
public record BrokerUser(String username, String password, Permissions permissions) {

    /**
     * Validates the record.
     */
    public BrokerUser {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(permissions, "permissions");
    }

    @Override
    public String toString() {
        return "BrokerUser[" + username + ", " + permissions + "]";
    }
}
