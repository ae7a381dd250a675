package dev.warren.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.annotation.QueueType;
import dev.warren.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PermissionsTests {

    final Topology topology = Topology.builder()
            .workQueue("orders", QueueType.QUORUM, RetryPolicy.builder().maxAttempts(2).backoff(Duration.ofSeconds(1)).build())
            .subscription("order.placed", "billing", QueueType.QUORUM)
            .build();

    @Test
    void namesSharingDottedSegmentsShareAGroup() {
        assertThat(Permissions.regex(List.of("orders", "orders.dlq", "orders.retry.1s", "warren.dlx")))
                .isEqualTo("^(orders(\\.dlq|\\.retry\\.1s)?|warren\\.dlx)$");
        assertThat(Permissions.regex(List.of("a.b"))).isEqualTo("^a\\.b$");
        assertThat(Permissions.regex(List.of())).isEqualTo(Permissions.NOTHING);
    }

    @Test
    void theExpressionMatchesExactlyTheNamesAndEscapesRegexCharacters() {
        List<String> names = List.of("orders", "orders.dlq", "pay(ments)+", "a.b.c", "a.b.d", "a", "x..y", "*");
        String regex = Permissions.regex(names);
        for (String name : names) {
            assertThat(Permissions.allows(regex, name)).as(name).isTrue();
        }
        for (String other : List.of("orders2", "xorders", "orders.dl", "ordersXdlq", "pay(ments)", "paymentss", "a.b",
                "a.b.c.d", "x.y", "anything", "")) {
            assertThat(Permissions.allows(regex, other)).as(other).isFalse();
        }
    }

    @Test
    void declaringNeedsConfigureOnEveryObjectAndTheBrokersChecksOfDeadLetteringAndBindings() {
        Permissions permissions = Permissions.of(topology, TopologyMode.DECLARE);

        for (String name : List.of("orders", "orders.dlq", "orders.retry.1s", "order.placed", "order.placed.billing",
                "order.placed.billing.dlq", "warren.dlx")) {
            assertThat(Permissions.allows(permissions.configure(), name)).as(name).isTrue();
        }
        // Publishing, retrying through the default exchange, dead-lettering, and binding the queues.
        for (String name : List.of("amq.default", "warren.dlx", "order.placed", "orders.dlq", "order.placed.billing")) {
            assertThat(Permissions.allows(permissions.write(), name)).as(name).isTrue();
        }
        assertThat(Permissions.allows(permissions.write(), "orders.retry.1s")).isFalse();
        for (String name : List.of("orders", "orders.dlq", "orders.retry.1s", "order.placed", "warren.dlx")) {
            assertThat(Permissions.allows(permissions.read(), name)).as(name).isTrue();
        }
        assertThat(Permissions.allows(permissions.configure(), "amq.default")).isFalse();
    }

    @Test
    void passiveNeedsNoConfigureAndOnlyWhatPublishingAndConsumingTouch() {
        Permissions permissions = Permissions.of(topology, TopologyMode.PASSIVE);

        assertThat(permissions.configure()).isEqualTo(Permissions.NOTHING);
        assertThat(permissions.write()).isEqualTo("^(amq\\.default|order\\.placed|warren\\.dlx)$");
        assertThat(permissions.read()).isEqualTo("^(order\\.placed\\.billing(\\.dlq)?|orders(\\.dlq)?)$");
    }

    @Test
    void theCommandQuotesForTheShell() {
        Permissions permissions = new Permissions("^a$", "^b$", "^c$");
        assertThat(permissions.rabbitmqctlCommand("o'neil", "/"))
                .isEqualTo("rabbitmqctl set_permissions -p '/' 'o'\\''neil' '^a$' '^b$' '^c$'");
    }

    @Test
    void definitionsAreWhatImportDefinitionsReads() {
        Map<String, Object> definitions = topology.toDefinitions("shop");

        assertThat(definitions).containsOnlyKeys("queues", "exchanges", "bindings");
        assertThat(definitions.get("queues")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(Map.of("name", "orders.retry.1s", "vhost", "shop",
                "durable", true, "auto_delete", false, "arguments", Map.of("x-queue-type", "quorum", "x-message-ttl", 1000L,
                        "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "orders",
                        "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish")));
        assertThat(definitions.get("exchanges")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(Map.of("name", "order.placed", "vhost", "shop",
                "type", "topic", "durable", true, "auto_delete", false, "internal", false, "arguments", Map.of()));
        assertThat(definitions.get("bindings")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(Map.of("source", "order.placed", "vhost", "shop",
                "destination", "order.placed.billing", "destination_type", "queue", "routing_key", "#", "arguments", Map.of()));
    }
}
