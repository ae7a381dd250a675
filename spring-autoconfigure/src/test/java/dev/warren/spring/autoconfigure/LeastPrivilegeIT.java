package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.test.RabbitBroker;
import dev.warren.topology.ExchangeSpec;
import dev.warren.topology.Permissions;
import dev.warren.topology.QueueSpec;
import dev.warren.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Warren under a broker user whose permissions are exactly those Warren reports, each test in a
 * virtual host of its own.
 */
class LeastPrivilegeIT {

    static final RabbitBroker broker = RabbitBroker.get();
    static final ScratchVirtualHosts virtualHosts = new ScratchVirtualHosts();
    static String scratch;

    /** What the application reports, from a run in a scratch virtual host as an unrestricted user. */
    static Permissions reported;
    static Map<String, Object> endpointReport;
    static Topology fullTopology;

    @BeforeAll
    static void learnThePermissions() {
        scratch = virtualHosts.create("it-lp-scratch");
        ShopHandlers.runner(scratch, broker.username(), broker.password()).run(context -> {
            assertThat(context).hasNotFailed();
            reported = context.getBean(WarrenEngine.class).permissions();
            fullTopology = context.getBean(WarrenEngine.class).fullTopology();
            endpointReport = context.getBean(WarrenEndpoint.class).topology("topology", "permissions");
        });
    }

    @AfterAll
    static void cleanUp() {
        virtualHosts.deleteAll();
    }

    static String user(String virtualHost, String configure, String write, String read) {
        return virtualHosts.user("it-lp-user", virtualHost, configure, write, read);
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
        String virtualHost = virtualHosts.create("it-lp-run");
        String user = user(virtualHost, reported.configure(), reported.write(), reported.read());
        ShopHandlers.runner(virtualHost, user, "secret-" + user).run(context -> {
            assertThat(context).hasNotFailed();
            ShopHandlers.assertOrdersFlow(context);
        });
    }

    @Test
    void aMissingPermissionFailsStartUpNamingTheQueueThePermissionAndTheFix() {
        String virtualHost = virtualHosts.create("it-lp-missing");
        List<String> names = new ArrayList<>();
        fullTopology.exchanges().forEach(exchange -> names.add(exchange.name()));
        fullTopology.queues().stream().map(QueueSpec::name).filter(name -> !name.equals("orders.dlq")).forEach(names::add);
        String user = user(virtualHost, Permissions.regex(names), reported.write(), reported.read());
        AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
        ShopHandlers.runner(virtualHost, user, "secret-" + user).run(context -> {
            analysis.set(FailedStartup.analysisOf(context));
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
