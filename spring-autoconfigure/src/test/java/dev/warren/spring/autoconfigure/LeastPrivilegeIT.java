package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.Selection;
import dev.warren.publish.Delay;
import dev.warren.spring.autoconfigure.ShopHandlers.Order;
import dev.warren.spring.autoconfigure.internal.WarrenFailureAnalyzer;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.Permissions;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Warren under a broker user whose permissions are exactly those Warren reports, each test in a
 * virtual host of its own.
 */
class LeastPrivilegeIT {

    static final RabbitBroker broker = RabbitBroker.get();
    static final RabbitManagement management = broker.management();
    static final String scratch = RabbitBroker.uniqueName("it-lp-scratch");
    static final List<String> virtualHosts = new ArrayList<>(List.of(scratch));
    static final List<String> users = new ArrayList<>();

    /** What the application reports, from a run in a scratch virtual host as an unrestricted user. */
    static Permissions reported;
    static Map<String, Object> endpointReport;
    static Topology fullTopology;

    @BeforeAll
    static void learnThePermissions() {
        management.createVirtualHost(scratch);
        runner(scratch, broker.username(), broker.password()).run(context -> {
            assertThat(context).hasNotFailed();
            reported = context.getBean(WarrenEngine.class).permissions();
            fullTopology = context.getBean(WarrenEngine.class).fullTopology();
            endpointReport = context.getBean(WarrenEndpoint.class).topology("topology", "permissions");
        });
    }

    @AfterAll
    static void cleanUp() {
        users.forEach(management::deleteUser);
        virtualHosts.forEach(management::deleteVirtualHost);
    }

    static ApplicationContextRunner runner(String virtualHost, String user, String password) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
                        WarrenAutoConfiguration.class))
                .withUserConfiguration(ShopHandlers.Config.class)
                .withPropertyValues("spring.rabbitmq.host=" + broker.host(), "spring.rabbitmq.port=" + broker.port(),
                        "spring.rabbitmq.username=" + user, "spring.rabbitmq.password=" + password,
                        "spring.rabbitmq.virtual-host=" + virtualHost);
    }

    static String freshVirtualHost(String prefix) {
        String virtualHost = RabbitBroker.uniqueName(prefix);
        virtualHosts.add(virtualHost);
        management.createVirtualHost(virtualHost);
        return virtualHost;
    }

    static String user(String virtualHost, String configure, String write, String read) {
        String user = RabbitBroker.uniqueName("it-lp-user");
        users.add(user);
        management.createUser(user, "secret-" + user, virtualHost, configure, write, read);
        return user;
    }

    @Test
    void theReportNamesEveryQueueAndExchangeAndNothingElse() {
        assertThat(endpointReport).containsEntry("configure", reported.configure()).containsEntry("write", reported.write())
                .containsEntry("read", reported.read()).containsEntry("mode", "declare");
        assertThat((String) endpointReport.get("rabbitmqctl")).startsWith("rabbitmqctl set_permissions -p '" + scratch + "' 'guest' ");
        for (QueueSpec queue : fullTopology.queues()) {
            assertThat(Permissions.allows(reported.configure(), queue.name())).as(queue.name()).isTrue();
        }
        for (ExchangeSpec exchange : fullTopology.exchanges()) {
            assertThat(Permissions.allows(reported.configure(), exchange.name())).as(exchange.name()).isTrue();
        }
        assertThat(fullTopology.queue("orders.dlq")).isNotNull();
        assertThat(fullTopology.queue("orders.retry.200ms")).isNotNull();
        assertThat(fullTopology.queue("warren.discarded")).isNotNull();
        assertThat(fullTopology.queue("warren.delay.0")).isNotNull();
        assertThat(Permissions.allows(reported.write(), "amq.default")).isTrue();
        assertThat(Permissions.allows(reported.read(), "orders.dlq")).isTrue();
        assertThat(Permissions.allows(reported.configure(), "orders2")).isFalse();
        assertThat(Permissions.allows(reported.configure(), "xorders")).isFalse();
        assertThat(Permissions.allows(reported.configure(), "amq.default")).isFalse();
        assertThat(Permissions.allows(reported.read(), "warren.discarded")).isFalse();
    }

    @Test
    void aUserWithExactlyTheReportedPermissionsRunsTheApplication() {
        String virtualHost = freshVirtualHost("it-lp-run");
        String user = user(virtualHost, reported.configure(), reported.write(), reported.read());
        runner(virtualHost, user, "secret-" + user).run(context -> {
            assertThat(context).hasNotFailed();
            ShopHandlers shop = context.getBean(ShopHandlers.class);
            Warren warren = context.getBean(Warren.class);
            WarrenEngine engine = context.getBean(WarrenEngine.class);

            warren.send(ShopHandlers.ORDERS, new Order("o-1"));
            warren.send(ShopHandlers.ORDERS, new Order("flaky-1"));
            warren.send(ShopHandlers.ORDERS, new Order("poison-1"));
            warren.publish(ShopHandlers.PLACED, new Order("o-1"));
            warren.send(ShopHandlers.ORDERS, new Order("later-1"), Delay.of(Duration.ofMillis(300)));

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(shop.processed).contains("o-1", "flaky-1", "later-1");
                assertThat(shop.billed).containsExactly("o-1");
                assertThat(engine.deadLetters().peek(ShopHandlers.ORDERS, 5)).extracting(DeadLetter::reason)
                        .singleElement().asString().contains("order poison-1 cannot be processed");
            });
            assertThat(engine.deadLetters().discard(ShopHandlers.ORDERS, Selection.all(), "bad test order", "it").moved())
                    .isEqualTo(1);
        });
    }

    @Test
    void aMissingPermissionFailsStartUpNamingTheQueueThePermissionAndTheFix() {
        String virtualHost = freshVirtualHost("it-lp-missing");
        List<String> names = new ArrayList<>();
        fullTopology.exchanges().forEach(exchange -> names.add(exchange.name()));
        fullTopology.queues().stream().map(QueueSpec::name).filter(name -> !name.equals("orders.dlq")).forEach(names::add);
        String user = user(virtualHost, Permissions.regex(names), reported.write(), reported.read());
        AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
        runner(virtualHost, user, "secret-" + user).run(context -> {
            assertThat(context).hasFailed();
            analysis.set(new WarrenFailureAnalyzer().analyze(context.getStartupFailure()));
        });
        assertThat(analysis.get()).isNotNull();
        assertThat(analysis.get().getDescription())
                .contains("RabbitMQ user '" + user + "' lacks permissions Warren needs in virtual host '" + virtualHost + "'")
                .contains("configure access to queue 'orders.dlq'")
                .doesNotContain("access to queue 'orders'");
        assertThat(analysis.get().getAction()).contains("rabbitmqctl set_permissions -p '" + virtualHost + "' '" + user + "' '"
                + reported.configure() + "' '" + reported.write() + "' '" + reported.read() + "'");
    }
}
