package dev.warren.spring.autoconfigure.internal;

import dev.warren.spring.autoconfigure.WarrenProperties;
import dev.warren.topology.ManagementApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Works out the management API that Warren checks broker policies through, from
 * {@code warren.management.*} and, for what is not set there, Spring Boot's RabbitMQ connection.
 *
 * <p>When the AMQP connection uses TLS, the API is only ever guessed over https (port 15671): its
 * password never travels in clear because the operator secured AMQP and forgot the API. An https
 * API's certificate is verified with the trust material of {@code warren.management.ssl.bundle},
 * else the AMQP connection's SSL bundle, else the JVM's trust store. Credentials written into the
 * URL are taken out of it, so that the URL can be logged.
 */
public final class ManagementApis {

    private static final Logger log = LoggerFactory.getLogger(ManagementApis.class);

    static final int HTTP_PORT = 15672;
    static final int HTTPS_PORT = 15671;

    private ManagementApis() {
    }

    /**
     * The API to check policies through.
     *
     * @param management the warren.management.* properties
     * @param rabbit the spring.rabbitmq.* properties, when RabbitMQ is auto-configured
     * @param connection the connection Spring Boot's factory was built from, when it has one
     * @param sslBundles the application's SSL bundles, when it has them
     * @return the API; {@code null} when the check is off, or no URL is set and nothing answers at
     *     the default one
     * @throws IllegalStateException when warren.management.url is neither http nor https, or
     *     warren.management.ssl.bundle names a bundle the application does not have
     */
    public static @Nullable ManagementApi resolve(WarrenProperties.Management management, @Nullable RabbitProperties rabbit,
            @Nullable RabbitConnectionDetails connection, @Nullable SslBundles sslBundles) {
        return resolve(management, rabbit, connection, sslBundles, false);
    }

    /**
     * The API to check policies, and in passive topology mode the topology, through.
     *
     * @param management the warren.management.* properties
     * @param rabbit the spring.rabbitmq.* properties, when RabbitMQ is auto-configured
     * @param connection the connection Spring Boot's factory was built from, when it has one
     * @param sslBundles the application's SSL bundles, when it has them
     * @param needed whether Warren needs the API even when the policy check is off
     * @return the API; {@code null} when it is not needed and the check is off, or no URL is set and
     *     nothing answers at the default one
     * @throws IllegalStateException when warren.management.url is neither http nor https, or
     *     warren.management.ssl.bundle names a bundle the application does not have
     */
    public static @Nullable ManagementApi resolve(WarrenProperties.Management management, @Nullable RabbitProperties rabbit,
            @Nullable RabbitConnectionDetails connection, @Nullable SslBundles sslBundles, boolean needed) {
        if (!management.isCheckPolicies() && !needed) {
            return null;
        }
        SslBundle amqpBundle = connection != null ? connection.getSslBundle() : null;
        boolean amqpTls = amqpBundle != null || (rabbit != null && rabbit.getSsl().determineEnabled());
        String username = management.getUsername() != null ? management.getUsername()
                : connection != null && connection.getUsername() != null ? connection.getUsername()
                : rabbit != null ? rabbit.determineUsername() : "guest";
        String password = management.getPassword() != null ? management.getPassword()
                : connection != null && connection.getPassword() != null ? connection.getPassword()
                : rabbit != null && rabbit.determinePassword() != null ? rabbit.determinePassword() : "guest";
        URI url = management.getUrl();
        if (url != null && url.getRawUserInfo() != null) {
            String[] userInfo = url.getUserInfo().split(":", 2);
            username = management.getUsername() != null ? management.getUsername() : userInfo[0];
            password = management.getPassword() != null ? management.getPassword() : userInfo.length > 1 ? userInfo[1] : "";
            url = withoutUserInfo(url);
        }
        if (url == null) {
            String host = connection != null ? connection.getFirstAddress().host() : rabbit != null ? rabbit.determineHost() : "localhost";
            url = amqpTls ? URI.create("https://" + host + ":" + HTTPS_PORT) : URI.create("http://" + host + ":" + HTTP_PORT);
            if (!answers(url)) {
                log.debug("No management API answers at {}; the check of broker policies is skipped", url);
                return null;
            }
        } else if (!"http".equals(scheme(url)) && !"https".equals(scheme(url))) {
            throw new IllegalStateException("warren.management.url must be an http or https URL, such as "
                    + "https://rabbit.internal:15671, but was " + url);
        } else if (amqpTls && "http".equals(scheme(url))) {
            log.warn("warren.management.url is {} (plain http) while the RabbitMQ connection uses TLS: the management API's "
                    + "password travels unencrypted; use the API's https listener", url);
        }
        String virtualHost = connection != null && connection.getVirtualHost() != null ? connection.getVirtualHost()
                : rabbit != null && rabbit.determineVirtualHost() != null ? rabbit.determineVirtualHost() : "/";
        ManagementApi api = new ManagementApi(url, username, password, virtualHost);
        if ("https".equals(scheme(url))) {
            SSLContext context = sslContext(management.getSsl().getBundle(), amqpBundle, sslBundles);
            if (context != null) {
                api = api.withSslContext(context);
            }
        }
        return api;
    }

    /**
     * Warns once about TLS settings that let anyone between the application and the broker read
     * the traffic, credentials included; Spring Boot allows them, Warren does not change them.
     *
     * @param rabbit the spring.rabbitmq.* properties
     * @param connection the connection Spring Boot's factory was built from, when it has one
     */
    public static void warnAboutUnverifiedTls(@Nullable RabbitProperties rabbit, @Nullable RabbitConnectionDetails connection) {
        if (rabbit == null || !rabbit.getSsl().determineEnabled()) {
            return;
        }
        boolean bundle = connection != null && connection.getSslBundle() != null;
        if (!bundle && !rabbit.getSsl().isValidateServerCertificate()) {
            log.warn("spring.rabbitmq.ssl.validate-server-certificate is false: the connection to RabbitMQ accepts any "
                    + "certificate, so whoever sits between the application and the broker can read and change messages "
                    + "and credentials; remove it and trust the broker's CA through spring.rabbitmq.ssl.bundle");
        }
        if (!rabbit.getSsl().isVerifyHostname()) {
            log.warn("spring.rabbitmq.ssl.verify-hostname is false: the connection to RabbitMQ accepts a certificate "
                    + "issued for any host; remove it and give the broker a certificate that names its host");
        }
    }

    private static @Nullable SSLContext sslContext(@Nullable String bundleName, @Nullable SslBundle amqpBundle,
            @Nullable SslBundles sslBundles) {
        if (bundleName != null && !bundleName.isBlank()) {
            if (sslBundles == null) {
                throw new IllegalStateException("warren.management.ssl.bundle is '" + bundleName
                        + "' but the application has no SSL bundles; define it under spring.ssl.bundle");
            }
            return sslBundles.getBundle(bundleName).createSslContext();
        }
        return amqpBundle != null ? amqpBundle.createSslContext() : null;
    }

    private static String scheme(URI url) {
        return url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    }

    private static URI withoutUserInfo(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), url.getQuery(), url.getFragment());
        } catch (URISyntaxException e) {
            // Not repeated: the URL holds a password.
            throw new IllegalStateException("warren.management.url is not a valid URL once its credentials are taken out", e);
        }
    }

    private static boolean answers(URI url) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
