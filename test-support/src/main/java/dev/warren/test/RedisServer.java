package dev.warren.test;

import java.net.URI;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * The Redis server tests run against, resolved once per JVM like {@link RabbitBroker}: the
 * {@code REDIS_URL} environment variable (or system property), e.g.
 * {@code redis://user:password@cache:6379/2}, else {@code 127.0.0.1:6379} when something answers
 * there, else a Testcontainers Redis when Docker is available, else a failure that says what to
 * start. Tests never skip for want of a server.
 *
 * <p>It names the server and leaves the client to the test, so that test support needs no Redis
 * client:
 *
 * <pre>{@code
 * RedisServer redis = RedisServer.get();
 * RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(redis.host(), redis.port());
 * config.setDatabase(redis.database());
 * String prefix = RedisServer.uniquePrefix("idempotency");   // delete the keys under it afterwards
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class RedisServer {

    /** The variable that points tests at a Redis server. */
    public static final String URL_VARIABLE = "REDIS_URL";

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 6379;
    private static final String CONTAINER_IMAGE = "redis:7-alpine";

    private static final Services.Once<RedisServer> RESOLVED = new Services.Once<>(RedisServer::resolve);

    private final URI uri;

    private RedisServer(URI uri) {
        this.uri = uri;
    }

    /**
     * The server for this JVM, resolved on first use.
     *
     * @return the server
     * @throws IllegalStateException when no server can be found, saying what to start
     */
    public static RedisServer get() {
        return RESOLVED.get();
    }

    /**
     * A key prefix no other test or run uses.
     *
     * @param prefix a readable prefix
     * @return {@code warren-it:<prefix>:<random>:}
     */
    public static String uniquePrefix(String prefix) {
        return "warren-it:" + prefix + ":" + UUID.randomUUID() + ":";
    }

    /**
     * The server's URL, credentials included; do not log it.
     *
     * @return {@code redis://[[user:]password@]host:port[/database]}
     */
    public URI uri() {
        return uri;
    }

    /** @return the host */
    public String host() {
        return uri.getHost();
    }

    /** @return the port */
    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : LOCAL_PORT;
    }

    /** @return the user name (Redis 6 ACL), or {@code null} for the default user */
    public @Nullable String username() {
        String userInfo = uri.getUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return null;
        }
        String user = userInfo.substring(0, userInfo.indexOf(':'));
        return user.isEmpty() ? null : user;
    }

    /** @return the password, or {@code null} when the server wants none */
    public @Nullable String password() {
        String userInfo = uri.getUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return null;
        }
        // Like Lettuce: "redis://password@host" and "redis://user:password@host".
        String password = userInfo.contains(":") ? userInfo.substring(userInfo.indexOf(':') + 1) : userInfo;
        return password.isEmpty() ? null : password;
    }

    /** @return the database number, 0 unless the URL's path names another */
    public int database() {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(URL_VARIABLE + " must end in a database number, e.g. redis://host:6379/0, but its"
                    + " path was '" + path + "'", e);
        }
    }

    private static RedisServer resolve() {
        String configured = Services.configured(URL_VARIABLE);
        if (configured != null) {
            URI uri = URI.create(configured.trim());
            if (uri.getHost() == null) {
                // Not the URL itself: it holds credentials.
                throw new IllegalStateException(URL_VARIABLE + " must look like redis://[[user:]password@]host:port[/database];"
                        + " its host could not be read");
            }
            return new RedisServer(uri);
        }
        if (Services.answers(LOCAL_HOST, LOCAL_PORT)) {
            return new RedisServer(URI.create("redis://" + LOCAL_HOST + ":" + LOCAL_PORT));
        }
        if (ClassUtils.isPresent("org.testcontainers.DockerClientFactory", RedisServer.class.getClassLoader())) {
            RedisServer container = Containers.start();
            if (container != null) {
                return container;
            }
        }
        throw new IllegalStateException("No Redis for the tests: " + URL_VARIABLE + " is not set, nothing answers on "
                + LOCAL_HOST + ":" + LOCAL_PORT + ", and Docker is not available for Testcontainers. Start Redis with "
                + "'redis-server --daemonize yes' (or 'docker run -d -p 6379:6379 redis:7'), or set " + URL_VARIABLE
                + "=redis://[[user:]password@]host:6379[/database]");
    }


    /** Kept apart so that Testcontainers stays optional on the class path. */
    private static final class Containers {

        static @Nullable RedisServer start() {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
            org.testcontainers.containers.GenericContainer<?> container = new org.testcontainers.containers.GenericContainer<>(
                    org.testcontainers.utility.DockerImageName.parse(CONTAINER_IMAGE)).withExposedPorts(LOCAL_PORT);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "warren-test-redis-stop"));
            return new RedisServer(URI.create("redis://" + container.getHost() + ":" + container.getMappedPort(LOCAL_PORT)));
        }
    }
}
