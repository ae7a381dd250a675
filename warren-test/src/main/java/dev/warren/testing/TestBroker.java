package dev.warren.testing;

import dev.warren.WarrenEngine;
import dev.warren.topology.Permissions;
import java.util.Map;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The broker a test class runs against: a virtual host of its own on the broker Warren's tests
 * find (the {@code RABBITMQ_URI} variable, else {@code 127.0.0.1:5672}, else a Testcontainers
 * RabbitMQ, else a failure that says what to start). The virtual host is created through the
 * management API before the class and deleted after it, with everything declared in it, so test
 * classes can run side by side and leave nothing behind. Without the management API the class
 * shares the broker's own virtual host, and the queues and topics of the engines and applications
 * started here are deleted after them instead; give them unique names then.
 *
 * <p>{@link WarrenTest} passes it to test methods, constructors and {@code @BeforeAll} methods;
 * in a {@link WarrenSpringTest} it is a bean.
 *
 * <pre>{@code
 * @WarrenTest(timeScale = 0.001)
 * class BillingTests {
 *     @Test
 *     void ledgerOutageIsRetried(TestBroker broker, WarrenHarness harness) {
 *         WarrenEngine engine = broker.start(new Billing(new LedgerDownTwice()));   // backoff = "1m"
 *         engine.warren().send("invoices", new Invoice("i-1", 1999));
 *         assertThat(harness.awaitRetried("invoices", 2)).containsOnly(Duration.ofMillis(60));
 *     }
 * }
 * }</pre>
 *
 * <p>Engines and applications started during a test are closed after it; those started in
 * {@code @BeforeAll}, after the class. Thread-safe.
 *
 * <p>To check that an application runs with no more than the RabbitMQ permissions it reports,
 * {@link #createUser(Permissions)} creates a user with exactly those in the virtual host and
 * {@link #applicationInitializer(BrokerUser)} starts the application as that user.
 *
 * @since 0.1
 */
public interface TestBroker {

    /** @return the virtual host this test class runs in */
    String virtualHost();

    /** @return whether the virtual host was created for this test class, rather than shared for want of the management API */
    boolean isolated();

    /** @return the broker's host */
    String host();

    /** @return the broker's AMQP port */
    int port();

    /** @return the user */
    String username();

    /** @return the password; do not log it */
    String password();

    /** @return what the test asked waits to be multiplied by: 1 for real time */
    double timeScale();

    /**
     * The connection factory of the virtual host, shared by the test class and closed after it.
     *
     * @return the connection factory
     */
    ConnectionFactory connectionFactory();

    /**
     * The harness of this test class, which every engine and application started here reports to.
     *
     * @return the harness
     */
    WarrenHarness harness();

    /**
     * An engine builder on the virtual host, with the harness as delivery listener and the test's
     * time scale; add settings, then {@link #start(WarrenEngine.Builder)} it.
     *
     * @param handlers the objects whose {@code @Consumer} and {@code @Subscribe} methods become handlers
     * @return the builder
     */
    WarrenEngine.Builder engine(Object... handlers);

    /**
     * Builds and starts an engine with handlers, closed after the test (or, from {@code @BeforeAll},
     * after the class).
     *
     * @param handlers the objects whose {@code @Consumer} and {@code @Subscribe} methods become handlers
     * @return the running engine
     */
    WarrenEngine start(Object... handlers);

    /**
     * Builds and starts an engine from a builder of {@link #engine(Object...)}, closed after the
     * test (or, from {@code @BeforeAll}, after the class).
     *
     * @param builder the builder
     * @return the running engine
     */
    WarrenEngine start(WarrenEngine.Builder builder);

    /**
     * The Spring Boot properties that point an application at the virtual host:
     * {@code spring.rabbitmq.*}, and {@code warren.time-scale} when the test scales time.
     *
     * @return property name to value
     */
    Map<String, Object> springProperties();

    /**
     * Prepares a Spring Boot application that a test starts itself, such as a second instance:
     * points it at the virtual host ({@link #springProperties()}, over the application's own),
     * registers the harness as a bean so that its engine reports to it, and closes the application
     * after the test (or, from {@code @BeforeAll}, after the class).
     *
     * <pre>{@code
     * ConfigurableApplicationContext app = new SpringApplicationBuilder(ShopApplication.class)
     *         .initializers(broker.applicationInitializer()).run("--server.port=0");
     * }</pre>
     *
     * @return the initializer, for {@code SpringApplicationBuilder.initializers}
     */
    ApplicationContextInitializer<ConfigurableApplicationContext> applicationInitializer();

    /**
     * Prepares a Spring Boot application as {@link #applicationInitializer()} does, but connecting
     * as a user of {@link #createUser(Permissions)} instead of the broker's own user: to check that
     * the application runs with no more permissions than it reports.
     *
     * <pre>{@code
     * BrokerUser user = broker.createUser(new Permissions(configure, write, read));
     * ConfigurableApplicationContext app = new SpringApplicationBuilder(ShopApplication.class)
     *         .initializers(broker.applicationInitializer(user)).run("--server.port=0");
     * }</pre>
     *
     * @param user the user to connect as
     * @return the initializer, for {@code SpringApplicationBuilder.initializers}
     */
    ApplicationContextInitializer<ConfigurableApplicationContext> applicationInitializer(BrokerUser user);

    /**
     * Creates a broker user with a random password and exactly these permissions in the virtual
     * host (none elsewhere, no tags). It is deleted when the engines and applications started here
     * are closed, also when the test fails: after the test (or, from {@code @BeforeAll}, after the
     * class), once what was started after it is closed. The expressions are those an application
     * reports: {@code WarrenEngine.permissions()}, its start-up log, or
     * {@code GET /actuator/warren/topology/permissions}.
     *
     * @param permissions the configure, write and read expressions
     * @return the user
     * @throws IllegalStateException when the broker's management API is not available (see {@link #isolated()})
     */
    BrokerUser createUser(Permissions permissions);

    /**
     * The messages ready in a queue of the virtual host now, without waiting.
     *
     * @param queue the queue
     * @return how many messages it holds that no consumer has taken
     * @throws IllegalStateException when the queue does not exist
     */
    long messageCount(String queue);
}
