package dev.warren.topology;

import java.net.URI;
import java.util.Objects;

/**
 * Where RabbitMQ's management HTTP API answers, so that Warren can check at start-up that no broker
 * policy undermines its queues (a delivery limit below the retry budget, a TTL on a dead-letter
 * queue, ...). Needs the {@code rabbitmq_management} plugin.
 *
 * <pre>{@code
 * new ManagementApi(URI.create("http://localhost:15672"), "guest", "guest", "/")
 * }</pre>
 *
 * @param url the API's base URL, e.g. {@code http://localhost:15672}
 * @param username a user allowed to read policies of the virtual host
 * @param password its password; never logged
 * @param virtualHost the virtual host of Warren's queues
 * @since 0.1
 */
public record ManagementApi(URI url, String username, String password, String virtualHost) {

    /**
     * Validates the record.
     */
    public ManagementApi {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(virtualHost, "virtualHost");
    }

    @Override
    public String toString() {
        return "ManagementApi[url=" + url + ", username=" + username + ", virtualHost=" + virtualHost + "]";
    }
}
