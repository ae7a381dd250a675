package dev.warren.testing.internal;

import dev.warren.WarrenEngine;
import dev.warren.internal.TimeScale;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.test.RabbitManagement;
import dev.warren.testing.BrokerUser;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.Permissions;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * A {@link TestBroker} on a virtual host created for one test class (or one Spring application
 * context) and deleted on {@link #close()}, with the connection factory, the harness, and what
 * was started in it. Without the management API it shares the broker's virtual host and deletes
 * the queues and topics of what was started instead.
 *
 * <p>The test thread begins and ends tests and closes it; engines and applications may be started
 * from any thread. Closing order matters: what was started closes first, so that no consumer sees
 * its virtual host vanish; then the connection factory; then the virtual host.
 */
public final class VirtualHostBroker implements TestBroker, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VirtualHostBroker.class);

    /** The property source that points applications at the virtual host, ahead of their own configuration. */
    static final String PROPERTY_SOURCE = "warrenTestBroker";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RabbitBroker server;
    private final String virtualHost;
    private final @Nullable RabbitManagement management;
    private final TimeScale timeScale;
    private final CachingConnectionFactory connectionFactory;
    private final WarrenHarness harness;
    private final @Nullable RabbitCleanup cleanup;
    private final Deque<AutoCloseable> startedForClass = new ArrayDeque<>();
    private final Deque<AutoCloseable> startedForTest = new ArrayDeque<>();
    private boolean inTest;
    private boolean closed;

    private VirtualHostBroker(RabbitBroker server, String virtualHost, @Nullable RabbitManagement management,
            TimeScale timeScale) {
        this.server = server;
        this.virtualHost = virtualHost;
        this.management = management;
        this.timeScale = timeScale;
        this.connectionFactory = new CachingConnectionFactory(server.host(), server.port());
        connectionFactory.setUsername(server.username());
        connectionFactory.setPassword(server.password());
        connectionFactory.setVirtualHost(virtualHost);
        this.harness = WarrenHarness.create(connectionFactory);
        this.cleanup = management == null ? new RabbitCleanup(connectionFactory) : null;
    }

    /**
     * Creates a virtual host for an owner through the management API, or falls back to the
     * broker's own virtual host when the API does not answer or refuses.
     *
     * @param owner a readable part of the name, such as the test class's simple name
     * @param timeScale the factor for the engines and applications started here
     * @return the broker
     * @throws IllegalStateException when no broker can be found, saying what to start
     * @throws dev.warren.WarrenException when the time scale is out of range
     */
    public static VirtualHostBroker open(String owner, double timeScale) {
        TimeScale scale = TimeScale.of(timeScale);
        RabbitBroker server = RabbitBroker.get();
        String name = "warren-test." + owner + "." + UUID.randomUUID().toString().substring(0, 8);
        RabbitManagement management;
        try {
            management = server.management();
        } catch (IllegalStateException e) {
            log.warn("{}; {} shares the virtual host '{}' and deletes what it started afterwards. Give its queues and "
                    + "topics unique names, or enable the management API to isolate it", e.getMessage(), owner,
                    server.virtualHost());
            return shared(owner, timeScale);
        }
        try {
            management.createVirtualHost(name);
        } catch (IllegalStateException e) {
            try {
                management.deleteVirtualHost(name);
            } catch (IllegalStateException notDeleted) {
                e.addSuppressed(notDeleted);
            }
            log.warn("Could not create a virtual host for {} ({}); it shares the virtual host '{}' and deletes what it "
                    + "started afterwards. Give the broker user the administrator tag to isolate it", owner,
                    e.getMessage(), server.virtualHost());
            return shared(owner, timeScale);
        }
        log.debug("Created virtual host {} for {}", name, owner);
        return new VirtualHostBroker(server, name, management, scale);
    }

    /**
     * A broker on the broker's own virtual host, deleting what was started here on close: what
     * {@link #open} falls back to without the management API.
     *
     * @param owner a readable name for log lines
     * @param timeScale the factor for the engines and applications started here
     * @return the broker
     */
    public static VirtualHostBroker shared(String owner, double timeScale) {
        RabbitBroker server = RabbitBroker.get();
        log.debug("{} runs in the shared virtual host {}", owner, server.virtualHost());
        return new VirtualHostBroker(server, server.virtualHost(), null, TimeScale.of(timeScale));
    }

    @Override
    public String virtualHost() {
        return virtualHost;
    }

    @Override
    public boolean isolated() {
        return management != null;
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public String username() {
        return server.username();
    }

    @Override
    public String password() {
        return server.password();
    }

    @Override
    public double timeScale() {
        return timeScale.factor();
    }

    @Override
    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @Override
    public WarrenHarness harness() {
        return harness;
    }

    @Override
    public WarrenEngine.Builder engine(Object... handlers) {
        return WarrenEngine.builder(connectionFactory).handlers(handlers).deliveryListener(harness)
                .timeScale(timeScale.factor());
    }

    @Override
    public WarrenEngine start(Object... handlers) {
        return start(engine(handlers));
    }

    @Override
    public WarrenEngine start(WarrenEngine.Builder builder) {
        WarrenEngine engine = builder.build();
        started(() -> {
            forget(engine.topology());
            engine.close();
        });
        engine.start();
        return engine;
    }

    @Override
    public Map<String, Object> springProperties() {
        return springProperties(username(), password());
    }

    private Map<String, Object> springProperties(String username, String password) {
        Map<String, Object> properties = new LinkedHashMap<>();
        // addresses wins over host and port in Spring Boot; set it in case the application sets it.
        properties.put("spring.rabbitmq.addresses", host() + ":" + port());
        properties.put("spring.rabbitmq.host", host());
        properties.put("spring.rabbitmq.port", port());
        properties.put("spring.rabbitmq.username", username);
        properties.put("spring.rabbitmq.password", password);
        properties.put("spring.rabbitmq.virtual-host", virtualHost);
        if (timeScale.factor() != 1.0) {
            properties.put("warren.time-scale", timeScale.factor());
        }
        return properties;
    }

    @Override
    public ApplicationContextInitializer<ConfigurableApplicationContext> applicationInitializer() {
        return initializer(springProperties());
    }

    @Override
    public ApplicationContextInitializer<ConfigurableApplicationContext> applicationInitializer(BrokerUser user) {
        return initializer(springProperties(user.username(), user.password()));
    }

    private ApplicationContextInitializer<ConfigurableApplicationContext> initializer(Map<String, Object> properties) {
        return context -> {
            configure(context, properties);
            started(() -> {
                if (context.isActive()) {
                    context.close();
                }
            });
        };
    }

    /**
     * Points an application at the virtual host and gives it the harness and this broker as beans;
     * in a shared virtual host, forgets its topology when it closes. Does not close it.
     *
     * @param context the application, not refreshed yet
     */
    void configure(ConfigurableApplicationContext context) {
        configure(context, springProperties());
    }

    private void configure(ConfigurableApplicationContext context, Map<String, Object> properties) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
        context.getBeanFactory().registerSingleton("warrenTestHarness", harness);
        context.getBeanFactory().registerSingleton("warrenTestBroker", this);
        if (cleanup != null) {
            // Published before the beans are destroyed, while the engine still knows its topology.
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    context.getBeanProvider(WarrenEngine.class).forEach(engine -> forget(engine.topology()));
                }
            });
        }
    }

    @Override
    public BrokerUser createUser(Permissions permissions) {
        if (management == null) {
            throw new IllegalStateException("Creating a broker user needs RabbitMQ's management API, which " + this
                    + " does not have; enable the rabbitmq_management plugin");
        }
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        // Named after the virtual host, which names the test class.
        BrokerUser user = new BrokerUser(virtualHost + "." + UUID.randomUUID().toString().substring(0, 8),
                HexFormat.of().formatHex(secret), permissions);
        RabbitManagement api = management;
        // Registered before the user exists, so that a failure half-way through still deletes it.
        started(() -> {
            api.deleteUser(user.username());
            log.debug("Deleted broker user {}", user.username());
        });
        api.createUser(user.username(), user.password(), virtualHost, permissions.configure(), permissions.write(),
                permissions.read());
        log.debug("Created broker user {} in virtual host {} with {}", user.username(), virtualHost, permissions);
        return user;
    }

    @Override
    public long messageCount(String queue) {
        QueueInformation information = new RabbitAdmin(connectionFactory).getQueueInfo(queue);
        if (information == null) {
            throw new IllegalStateException("There is no queue '" + queue + "' in the virtual host " + virtualHost
                    + "; start the engine that declares it first");
        }
        return information.getMessageCount();
    }

    /** Marks the start of a test: what is started from now on is closed by {@link #endTest()}. */
    public synchronized void beginTest() {
        inTest = true;
    }

    /**
     * Closes what the test started, newest first, and resets the harness.
     *
     * @throws IllegalStateException when something would not close, after closing the rest
     */
    public void endTest() {
        List<AutoCloseable> started;
        synchronized (this) {
            inTest = false;
            started = new ArrayList<>(startedForTest);
            startedForTest.clear();
        }
        try {
            closeAll(started);
        } finally {
            harness.reset();
        }
    }

    /**
     * Closes everything started here, then the connection factory, then deletes the virtual host
     * with all it holds (or, in a shared virtual host, the queues and topics of what was started).
     * Does nothing the second time.
     */
    @Override
    public void close() {
        List<AutoCloseable> started;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            started = new ArrayList<>(startedForTest);
            started.addAll(startedForClass);
            startedForTest.clear();
            startedForClass.clear();
        }
        try {
            closeAll(started);
        } finally {
            try {
                if (cleanup != null) {
                    cleanup.close();
                }
            } finally {
                connectionFactory.destroy();
                if (management != null) {
                    management.deleteVirtualHost(virtualHost);
                    log.debug("Deleted virtual host {}", virtualHost);
                }
            }
        }
    }

    private synchronized void started(AutoCloseable closer) {
        if (closed) {
            throw new IllegalStateException("The test broker of virtual host " + virtualHost + " is closed; start "
                    + "engines and applications within the test class");
        }
        (inTest ? startedForTest : startedForClass).push(closer);
    }

    /** In a shared virtual host, remembers to delete a topology's queues and topics; the dead-letter exchange stays for others. */
    private void forget(Topology topology) {
        if (cleanup == null) {
            return;
        }
        cleanup.queues(topology.queues().stream().map(QueueSpec::name).toList());
        topology.exchanges().stream().map(ExchangeSpec::name).filter(name -> !name.equals(Topology.DEAD_LETTER_EXCHANGE))
                .forEach(cleanup::exchange);
    }

    /** Closes each in turn (the list is newest first); one that fails does not keep the others open. */
    private static void closeAll(List<AutoCloseable> started) {
        IllegalStateException failure = null;
        for (AutoCloseable closer : started) {
            try {
                closer.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not close what a test started: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "TestBroker[" + host() + ":" + port() + ", virtual host " + virtualHost + (isolated() ? "" : " (shared)") + "]";
    }
}
