package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.deadletter.DeadLetter;
import dev.warren.publish.Delay;
import dev.warren.spring.autoconfigure.ShopHandlers.Order;
import dev.warren.spring.autoconfigure.internal.WarrenFailureAnalyzer;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.Permissions;
import dev.warren.topology.TopologyMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code warren.topology.declare=passive}: the topology exported through the Actuator endpoint,
 * imported by "the platform team" into a fresh virtual host, and Warren running on it without
 * declaring anything; and a topology with mistakes, all reported at once.
 */
class PassiveTopologyIT {

    static final RabbitBroker broker = RabbitBroker.get();
    static final RabbitManagement management = broker.management();
    static final List<String> virtualHosts = new ArrayList<>();
    static final List<String> users = new ArrayList<>();
    static String definitionsJson;
    static Permissions passivePermissions;

    @BeforeAll
    static void exportTheTopology() {
        String scratch = freshVirtualHost("it-passive-export");
        runner(scratch).run(context -> {
            assertThat(context).hasNotFailed();
            Map<String, Object> definitions = context.getBean(WarrenEndpoint.class).topology("topology", "definitions");
            definitionsJson = JsonMapper.builder().build().writeValueAsString(definitions);
            passivePermissions = Permissions.of(context.getBean(WarrenEngine.class).fullTopology(), TopologyMode.PASSIVE);
        });
        // Exported from a virtual host where Warren declared it: every queue, exchange and binding it needs.
        assertThat(definitionsJson).contains("\"name\":\"orders.dlq\"", "\"name\":\"warren.delay.28\"",
                "\"name\":\"warren.discarded\"", "\"destination_type\":\"exchange\"");
    }

    @AfterAll
    static void cleanUp() {
        users.forEach(management::deleteUser);
        virtualHosts.forEach(management::deleteVirtualHost);
    }

    static String freshVirtualHost(String prefix) {
        String virtualHost = RabbitBroker.uniqueName(prefix);
        virtualHosts.add(virtualHost);
        management.createVirtualHost(virtualHost);
        return virtualHost;
    }

    static ApplicationContextRunner runner(String virtualHost) {
        return runner(virtualHost, broker.username(), broker.password());
    }

    /** The management API is read with the broker's monitoring account; the application's own user has no tags. */
    static ApplicationContextRunner runner(String virtualHost, String user, String password) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
                        WarrenAutoConfiguration.class))
                .withUserConfiguration(ShopHandlers.Config.class)
                .withPropertyValues("spring.rabbitmq.host=" + broker.host(), "spring.rabbitmq.port=" + broker.port(),
                        "spring.rabbitmq.username=" + user, "spring.rabbitmq.password=" + password,
                        "spring.rabbitmq.virtual-host=" + virtualHost,
                        "warren.management.url=" + management.url(), "warren.management.username=" + management.username(),
                        "warren.management.password=" + management.password());
    }

    static <T> T withAdmin(String virtualHost, java.util.function.Function<RabbitAdmin, T> action) {
        CachingConnectionFactory connectionFactory = broker.connectionFactory();
        connectionFactory.setVirtualHost(virtualHost);
        try {
            return action.apply(new RabbitAdmin(connectionFactory));
        } finally {
            connectionFactory.destroy();
        }
    }

    @Test
    void onAnImportedTopologyAUserWithoutConfigurePermissionRunsTheApplication() {
        String virtualHost = freshVirtualHost("it-passive-ok");
        management.importDefinitions(virtualHost, definitionsJson);
        String user = RabbitBroker.uniqueName("it-passive-user");
        users.add(user);
        management.createUser(user, "secret-" + user, virtualHost, passivePermissions.configure(), passivePermissions.write(),
                passivePermissions.read());
        runner(virtualHost, user, "secret-" + user).withPropertyValues("warren.topology.declare=passive").run(context -> {
            assertThat(context).hasNotFailed();
            WarrenEngine engine = context.getBean(WarrenEngine.class);
            assertThat(engine.topologyMode()).isEqualTo(TopologyMode.PASSIVE);
            assertThat(context.getBean(WarrenEndpoint.class).topology("topology", "permissions"))
                    .containsEntry("mode", "passive").containsEntry("configure", "^$");
            ShopHandlers shop = context.getBean(ShopHandlers.class);
            Warren warren = context.getBean(Warren.class);

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
            assertThat(engine.deadLetters().discard(ShopHandlers.ORDERS, dev.warren.deadletter.Selection.all(), "bad test order",
                    "it").moved()).isEqualTo(1);
        });
    }

    @Test
    void aWrongTopologyFailsStartUpListingEveryDifference() {
        String virtualHost = freshVirtualHost("it-passive-wrong");
        management.importDefinitions(virtualHost, definitionsJson);
        withAdmin(virtualHost, admin -> {
            admin.deleteQueue("orders.dlq");
            admin.deleteQueue("order.placed.billing");
            admin.declareQueue(QueueBuilder.durable("order.placed.billing").classic()
                    .deadLetterExchange("warren.dlx").deadLetterRoutingKey("order.placed.billing").build());
            admin.deleteQueue("orders.retry.200ms");
            admin.declareQueue(QueueBuilder.durable("orders.retry.200ms").quorum().ttl(5000)
                    .deadLetterExchange("").deadLetterRoutingKey("orders").build());
            return null;
        });
        AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
        runner(virtualHost).withPropertyValues("warren.topology.declare=passive").run(context -> {
            assertThat(context).hasFailed();
            analysis.set(new WarrenFailureAnalyzer().analyze(context.getStartupFailure()));
        });
        assertThat(analysis.get()).isNotNull();
        assertThat(analysis.get().getDescription())
                .contains("virtual host '" + virtualHost + "'")
                .contains("missing queue 'orders.dlq'")
                .contains("queue 'order.placed.billing' has x-queue-type classic but Warren needs quorum")
                .contains("queue 'orders.retry.200ms' has argument x-message-ttl = 5000 but Warren needs 200")
                .contains("missing binding from exchange 'warren.dlx' to queue 'orders.dlq' with routing key 'orders'")
                .contains("missing binding from exchange 'order.placed' to queue 'order.placed.billing' with routing key '#'");
        assertThat(analysis.get().getAction()).contains("rabbitmqctl import_definitions");
        // Passive: Warren created nothing.
        org.springframework.amqp.core.QueueInformation dlq = withAdmin(virtualHost, admin -> admin.getQueueInfo("orders.dlq"));
        assertThat(dlq).isNull();
    }
}
