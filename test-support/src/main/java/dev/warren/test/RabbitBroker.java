package dev.warren.test;

import java.net.URI;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The RabbitMQ broker tests run against, resolved once per JVM in this order:
 * <ol>
 *   <li>the {@code RABBITMQ_URI} environment variable (or system property), e.g.
 *       {@code amqp://guest:guest@broker:5672/%2F};</li>
 *   <li>{@code 127.0.0.1:5672} with guest/guest, when something answers there;</li>
 *   <li>a Testcontainers RabbitMQ container, when Docker is available;</li>
 *   <li>otherwise a failure that says exactly what to start.</li>
 * </ol>
 * Tests never skip for want of a broker.
 *
 * <pre>{@code
 * CachingConnectionFactory factory = RabbitBroker.get().connectionFactory();
 * String queue = RabbitBroker.uniqueName("video");
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class RabbitBroker {

    /** The variable that points tests at a broker. */
    public static final String URI_VARIABLE = "RABBITMQ_URI";

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 5672;
    private static final String CONTAINER_IMAGE = "rabbitmq:4.1-management";

    private static final Services.Once<RabbitBroker> RESOLVED = new Services.Once<>(RabbitBroker::resolve);

    /** The variable that points tests at the broker's management API, e.g. {@code http://broker:15672}. */
    public static final String MANAGEMENT_URI_VARIABLE = "RABBITMQ_MANAGEMENT_URI";

    private static final int MANAGEMENT_PORT = 15672;

    private final URI uri;
    private final @Nullable URI managementUri;
    /** The local node's API after this JVM enabled its plugin; see {@link #management()}. */
    private final Services.Once<RabbitManagement> localManagement;

    private RabbitBroker(URI uri, @Nullable URI managementUri) {
        this.uri = uri;
        this.managementUri = managementUri;
        this.localManagement = new Services.Once<>(() -> LocalManagementPlugin.enable(new RabbitManagement(
                URI.create("http://" + host() + ":" + MANAGEMENT_PORT), username(), password(), virtualHost())));
    }

    private RabbitBroker(URI uri) {
        this(uri, null);
    }

    /**
     * The broker's management API: {@code RABBITMQ_MANAGEMENT_URI} if set, else port 15672 of the
     * broker's host. When that port does not answer, the variable is unset and the broker is this
     * machine's own node (on the loopback address), the management plugin is enabled there with
     * {@code rabbitmq-plugins enable rabbitmq_management} first, once per JVM, and logged; it stays
     * enabled. A broker elsewhere is never changed.
     *
     * @return the API, with this broker's credentials
     * @throws IllegalStateException when the management API does not answer and cannot be enabled
     *     here, saying how to enable it
     */
    public RabbitManagement management() {
        URI api = managementUri;
        String configured = Services.configured(MANAGEMENT_URI_VARIABLE);
        if (api == null) {
            api = configured != null ? URI.create(configured)
                    : URI.create("http://" + host() + ":" + MANAGEMENT_PORT);
        }
        RabbitManagement management = new RabbitManagement(api, username(), password(), virtualHost());
        if (Services.answers(api.getHost(), api.getPort() > 0 ? api.getPort() : 80)) {
            return management;
        }
        if (managementUri == null && configured == null && LocalManagementPlugin.isLocal(host())) {
            return localManagement.get();
        }
        throw new IllegalStateException("The RabbitMQ management API does not answer at " + api + "; enable it with "
                + "'rabbitmq-plugins enable rabbitmq_management', or set " + MANAGEMENT_URI_VARIABLE);
    }

    /**
     * The broker for this JVM, resolved on first use.
     *
     * @return the broker
     * @throws IllegalStateException when no broker can be found, saying what to start
     */
    public static RabbitBroker get() {
        return RESOLVED.get();
    }

    /**
     * A name no other test or run uses, for queues, topics and groups.
     *
     * @param prefix a readable prefix
     * @return {@code <prefix>.<random>}
     */
    public static String uniqueName(String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The broker's AMQP URI, credentials included; do not log it.
     *
     * @return the URI
     */
    public URI uri() {
        return uri;
    }

    /** @return the host */
    public String host() {
        return uri.getHost();
    }

    /** @return the AMQP port */
    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : LOCAL_PORT;
    }

    /** @return the user name */
    public String username() {
        String userInfo = Objects.requireNonNullElse(uri.getUserInfo(), "guest:guest");
        return userInfo.split(":", 2)[0];
    }

    /** @return the password */
    public String password() {
        String userInfo = Objects.requireNonNullElse(uri.getUserInfo(), "guest:guest");
        String[] parts = userInfo.split(":", 2);
        return parts.length > 1 ? parts[1] : "";
    }

    /** @return the virtual host */
    public String virtualHost() {
        String path = uri.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? "/" : path.substring(1);
    }

    /**
     * A new connection factory for this broker; the caller destroys it.
     *
     * @return a caching connection factory
     */
    public CachingConnectionFactory connectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory(host(), port());
        factory.setUsername(username());
        factory.setPassword(password());
        factory.setVirtualHost(virtualHost());
        return factory;
    }

    /**
     * The broker as Spring Boot's {@code spring.rabbitmq.addresses} value.
     *
     * @return {@code amqp://user:pass@host:port/vhost}
     */
    public String springAddresses() {
        return uri.toString();
    }

    private static RabbitBroker resolve() {
        String configured = Services.configured(URI_VARIABLE);
        if (configured != null) {
            return new RabbitBroker(URI.create(configured.trim()));
        }
        if (Services.answers(LOCAL_HOST, LOCAL_PORT)) {
            return new RabbitBroker(URI.create("amqp://guest:guest@" + LOCAL_HOST + ":" + LOCAL_PORT + "/"));
        }
        RabbitBroker container = startContainerIfDockerRuns();
        if (container != null) {
            return container;
        }
        throw new IllegalStateException("No RabbitMQ broker for the tests: " + URI_VARIABLE + " is not set, nothing answers on "
                + LOCAL_HOST + ":" + LOCAL_PORT + ", and Docker is not available for Testcontainers. Start RabbitMQ with "
                + "'rabbitmq-server -detached' (or 'docker run -d -p 5672:5672 rabbitmq:4'), or set " + URI_VARIABLE
                + "=amqp://user:password@host:5672/vhost");
    }


    private static @Nullable RabbitBroker startContainerIfDockerRuns() {
        if (!org.springframework.util.ClassUtils.isPresent("org.testcontainers.DockerClientFactory",
                RabbitBroker.class.getClassLoader())) {
            return null;
        }
        return Containers.start(CONTAINER_IMAGE);
    }

    /** Kept apart so that Testcontainers stays optional on the class path. */
    private static final class Containers {

        static @Nullable RabbitBroker start(String image) {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
            org.testcontainers.rabbitmq.RabbitMQContainer container = new org.testcontainers.rabbitmq.RabbitMQContainer(
                    org.testcontainers.utility.DockerImageName.parse(image));
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "warren-test-rabbitmq-stop"));
            return new RabbitBroker(URI.create("amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword()
                    + "@" + container.getHost() + ":" + container.getAmqpPort() + "/"), URI.create(container.getHttpUrl()));
        }
    }
}
