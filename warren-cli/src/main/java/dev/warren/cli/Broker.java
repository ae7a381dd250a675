package dev.warren.cli;

import dev.warren.topology.ManagementApi;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Where the broker and its management API are, from {@code --uri} and {@code --management-url} or
 * their environment variables. Holds the password but never shows it: {@link #toString()} and
 * every message leave it out. Immutable.
 *
 * @param host the broker's host
 * @param port its AMQP port
 * @param tls whether the URI is {@code amqps}
 * @param username the user
 * @param password its password; never printed
 * @param virtualHost the virtual host; {@code /} for a URI without a path or with {@code /}
 * @param managementUrl the management API's base URL, without credentials
 */
record Broker(String host, int port, boolean tls, String username, String password, String virtualHost, URI managementUrl) {

    /** The variable that gives the broker when {@code --uri} does not. */
    static final String URI_VARIABLE = "WARREN_RABBITMQ_URI";

    /** The variable that gives the management API when {@code --management-url} does not. */
    static final String MANAGEMENT_URL_VARIABLE = "WARREN_MANAGEMENT_URL";

    private static final int MANAGEMENT_PORT = 15672;

    /**
     * The broker the command line or the environment names.
     *
     * @return the broker, or {@code null} when neither gives a URI
     * @throws UsageException when a URI is malformed; the message does not repeat it, as it may hold a password
     */
    static @Nullable Broker of(Arguments arguments, Map<String, String> environment) {
        String uri = arguments.option("--uri");
        if (uri == null) {
            uri = environment.get(URI_VARIABLE);
        }
        if (uri == null || uri.isBlank()) {
            return null;
        }
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new UsageException("--uri is not a URI (not repeated here, as it may hold a password); write it as "
                    + "amqp://user:password@host:5672/vhost, with special characters %-encoded");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new UsageException("--uri must start with amqp:// or amqps:// but starts with '" + scheme + "'");
        }
        if (parsed.getHost() == null) {
            throw new UsageException("--uri names no host; write it as amqp://user:password@host:5672/vhost");
        }
        boolean tls = scheme.equals("amqps");
        int port = parsed.getPort() > 0 ? parsed.getPort() : tls ? 5671 : 5672;
        String userInfo = parsed.getRawUserInfo() == null ? "guest:guest" : parsed.getRawUserInfo();
        String[] credentials = userInfo.split(":", 2);
        String username = decode(credentials[0]);
        String password = credentials.length > 1 ? decode(credentials[1]) : "";
        String path = parsed.getRawPath();
        String virtualHost = path == null || path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1));
        return new Broker(parsed.getHost(), port, tls, username, password, virtualHost,
                managementUrl(arguments, environment, parsed.getHost()));
    }

    private static URI managementUrl(Arguments arguments, Map<String, String> environment, String host) {
        String url = arguments.option("--management-url");
        if (url == null) {
            url = environment.get(MANAGEMENT_URL_VARIABLE);
        }
        if (url == null || url.isBlank()) {
            return URI.create("http://" + host + ":" + MANAGEMENT_PORT);
        }
        URI parsed;
        try {
            parsed = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new UsageException("--management-url is not a URL; write it as http://host:15672");
        }
        if (parsed.getRawUserInfo() != null) {
            throw new UsageException("--management-url must not carry credentials (not repeated here); the user and "
                    + "password of --uri are used");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UsageException("--management-url must be http or https but was " + parsed);
        }
        return parsed;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A new connection factory; the caller destroys it. */
    CachingConnectionFactory connectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory(host, port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionNameStrategy(connectionFactory -> "warren-cli");
        if (tls) {
            try {
                // The JVM's trust store and host name verification: amqp-client's own default for amqps trusts any certificate.
                factory.getRabbitConnectionFactory().useSslProtocol(SSLContext.getDefault());
                factory.getRabbitConnectionFactory().enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("This JVM has no default TLS context for amqps", e);
            }
        }
        return factory;
    }

    /** The management API, with the broker's credentials and virtual host. */
    ManagementApi managementApi() {
        return new ManagementApi(managementUrl, username, password, virtualHost);
    }

    /** The URI without the password, for messages. */
    String display() {
        return (tls ? "amqps" : "amqp") + "://" + username + "@" + host + ":" + port + "/"
                + (virtualHost.equals("/") ? "" : virtualHost);
    }

    @Override
    public String toString() {
        return "Broker[" + display() + ", management " + managementUrl + "]";
    }
}
