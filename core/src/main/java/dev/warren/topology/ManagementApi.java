package dev.warren.topology;

import java.net.URI;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Where RabbitMQ's management HTTP API answers, so that Warren can check at start-up that no broker
 * policy undermines its queues (a delivery limit below the retry budget, a TTL on a dead-letter
 * queue, ...). Needs the {@code rabbitmq_management} plugin.
 *
 * <p>Over {@code https} the API's certificate and host name are verified, against the given
 * {@link SSLContext}'s trust material or, without one, the JVM's default trust store; its key
 * material, if any, is offered to an API that asks for client certificates. Verification cannot be
 * turned off here.
 *
 * <pre>{@code
 * new ManagementApi(URI.create("http://localhost:15672"), "guest", "guest", "/")
 * new ManagementApi(URI.create("https://rabbit.internal:15671"), "warren", password, "orders")
 *         .withSslContext(sslBundle.createSslContext())
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} leaves the password out.
 *
 * @param url the API's base URL, {@code http} or {@code https}, e.g. {@code https://localhost:15671};
 *     without user info (credentials go in {@code username} and {@code password})
 * @param username a user allowed to read policies of the virtual host
 * @param password its password; never logged
 * @param virtualHost the virtual host of Warren's queues
 * @param sslContext the TLS trust (and key) material for an {@code https} URL; {@code null} for the
 *     JVM's defaults
 * @since 0.1
 */
public record ManagementApi(URI url, String username, String password, String virtualHost, @Nullable SSLContext sslContext) {

    /**
     * Validates the record.
     *
     * @throws IllegalArgumentException when the URL is neither http nor https, or carries user info
     */
    public ManagementApi {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(virtualHost, "virtualHost");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (url.getRawUserInfo() != null) {
            // The URL is not repeated: its user info may hold the password.
            throw new IllegalArgumentException("The management API URL must not carry credentials; "
                    + "give them as username and password");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("The management API URL must be http or https but was " + url);
        }
    }

    /**
     * An API reached with the JVM's default TLS settings when its URL is {@code https}.
     *
     * @param url the API's base URL
     * @param username the user
     * @param password its password
     * @param virtualHost the virtual host of Warren's queues
     */
    public ManagementApi(URI url, String username, String password, String virtualHost) {
        this(url, username, password, virtualHost, null);
    }

    /**
     * The same API reached with other TLS material.
     *
     * @param sslContext the context whose trust (and key) material to use for {@code https}
     * @return a copy with that context
     */
    public ManagementApi withSslContext(SSLContext sslContext) {
        return new ManagementApi(url, username, password, virtualHost, Objects.requireNonNull(sslContext, "sslContext"));
    }

    @Override
    public String toString() {
        return "ManagementApi[url=" + url + ", username=" + username + ", virtualHost=" + virtualHost
                + (sslContext != null ? ", sslContext=" + sslContext.getProtocol() : "") + "]";
    }
}
