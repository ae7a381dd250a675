package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.Permissions;
import dev.warren.topology.TopologyMode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.diagnostics.FailureAnalysis;
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
    static final ScratchVirtualHosts virtualHosts = new ScratchVirtualHosts();
    static String definitionsJson;
    static Permissions passivePermissions;

    @BeforeAll
    static void exportTheTopology() {
        String scratch = virtualHosts.create("it-passive-export");
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
        virtualHosts.deleteAll();
    }

    static ApplicationContextRunner runner(String virtualHost) {
        return runner(virtualHost, broker.username(), broker.password());
    }

    /** The management API is read with the broker's monitoring account; the application's own user has no tags. */
    static ApplicationContextRunner runner(String virtualHost, String user, String password) {
        return ShopHandlers.runner(virtualHost, user, password)
                .withPropertyValues("warren.management.url=" + management.url(), "warren.management.username=" + management.username(),
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
        String virtualHost = virtualHosts.create("it-passive-ok");
        management.importDefinitions(virtualHost, definitionsJson);
        String user = virtualHosts.user("it-passive-user", virtualHost, passivePermissions.configure(),
                passivePermissions.write(), passivePermissions.read());
        runner(virtualHost, user, "secret-" + user).withPropertyValues("warren.topology.declare=passive").run(context -> {
            assertThat(context).hasNotFailed();
            WarrenEngine engine = context.getBean(WarrenEngine.class);
            assertThat(engine.topologyMode()).isEqualTo(TopologyMode.PASSIVE);
            assertThat(context.getBean(WarrenEndpoint.class).topology("topology", "permissions"))
                    .containsEntry("mode", "passive").containsEntry("configure", "^$");
            ShopHandlers.assertOrdersFlow(context);
        });
    }

    @Test
    void aWrongTopologyFailsStartUpListingEveryDifference() {
        String virtualHost = virtualHosts.create("it-passive-wrong");
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
            analysis.set(FailedStartup.analysisOf(context));
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
