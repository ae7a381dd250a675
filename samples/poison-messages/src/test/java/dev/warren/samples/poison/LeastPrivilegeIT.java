package dev.warren.samples.poison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.testing.BrokerUser;
import dev.warren.testing.DeliveryEvent;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenTest;
import dev.warren.topology.Permissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The sample under a broker user that may do exactly what the application reports it needs, and
 * nothing else: the permissions come from {@code GET /actuator/warren/topology/permissions}, as an
 * operator would read them, and the whole dead-letter workflow runs with them. The scenario's 1 s
 * and 2 s between attempts take 50 and 100 ms.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenTest(timeScale = 0.05)
class LeastPrivilegeIT {

    static final String QUEUE = "order.billing";

    @Test
    void theSampleRetriesDeadLettersReplaysAndDiscardsWithExactlyThePermissionsItReports(TestBroker broker,
            WarrenHarness harness) {
        // Learn what the application needs, from a run as the broker's unrestricted user.
        Permissions reported;
        Map<String, Object> definitions;
        try (ConfigurableApplicationContext asGuest = start(broker.applicationInitializer())) {
            Map<String, Object> report = ops(asGuest).get().uri("/actuator/warren/topology/permissions").retrieve().body(Map.class);
            assertThat(report).containsEntry("mode", "declare").containsEntry("virtualHost", broker.virtualHost());
            reported = new Permissions((String) report.get("configure"), (String) report.get("write"), (String) report.get("read"));
            definitions = ops(asGuest).get().uri("/actuator/warren/topology/definitions").retrieve().body(Map.class);
        }
        // RabbitMQ checks the permissions a dead-lettering queue needs only when it creates the queue:
        // the user starts in an empty virtual host, as on a first deploy.
        deleteEverything(broker, definitions);
        assertThatThrownBy(() -> broker.messageCount(QUEUE)).isInstanceOf(IllegalStateException.class);

        BrokerUser user = broker.createUser(reported);
        assertThatThrownBy(() -> declareAs(broker, user, "order.billing.audit"))
                .as("the user may declare nothing beyond the application's topology").isInstanceOf(AmqpException.class);

        ConfigurableApplicationContext app = start(broker.applicationInitializer(user));
        RestClient ops = ops(app);
        Map<String, Object> report = ops.get().uri("/actuator/warren/topology/permissions").retrieve().body(Map.class);
        assertThat(report).containsEntry("user", user.username()).containsEntry("configure", reported.configure())
                .containsEntry("write", reported.write()).containsEntry("read", reported.read());

        place(ops, "o-healthy", "19.99");
        place(ops, "o-discounted", "17.991");     // the rounding bug: retried, then dead-lettered
        place(ops, "o-negative", "-5.00");        // invalid: dead-lettered at once

        assertThat(harness.awaitRetried(QUEUE, "o-discounted", 2)).hasSize(2);
        assertThat(harness.await(DeliveryEvent.Kind.DEAD_LETTERED, QUEUE, 2)).extracting(DeliveryEvent::messageId)
                .containsExactlyInAnyOrder("o-discounted", "o-negative");
        assertThat(billed(ops, "o-healthy")).isEqualTo(1999);
        Map<String, Map<String, Object>> letters = new HashMap<>();
        deadLetters(ops).forEach(letter -> letters.put((String) letter.get("messageId"), letter));
        assertThat(letters.get("o-discounted")).containsEntry("exceptionType", "java.lang.ArithmeticException")
                .containsEntry("attempts", 3);
        assertThat(letters.get("o-negative")).containsEntry("failureClass", "permanent").containsEntry("attempts", 1);

        // Replay reads the dead-letter queue and publishes to the work queue, as the user.
        app.getBean(Billing.class).setBugFixed(true);
        Map<String, Object> replay = ops.post().uri("/actuator/warren/{queue}/replay", QUEUE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("exceptionType", "ArithmeticException")).retrieve().body(Map.class);
        assertThat(replay).containsEntry("moved", 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(billed(ops, "o-discounted")).isEqualTo(1799));

        // Discard publishes to warren.discarded, as the user.
        Map<String, Object> discard = ops.post().uri("/actuator/warren/{queue}/discard", QUEUE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("messageId", "o-negative", "reason", "negative amount")).retrieve().body(Map.class);
        assertThat(discard).containsEntry("moved", 1);
        assertThat(deadLetters(ops)).isEmpty();
        assertThat(broker.messageCount("warren.discarded")).isEqualTo(1);
        assertThat(billed(ops, "o-negative")).isNull();
    }

    private static ConfigurableApplicationContext start(ApplicationContextInitializer<ConfigurableApplicationContext> broker) {
        return new SpringApplicationBuilder(PoisonMessagesApplication.class).initializers(broker).run("--server.port=0");
    }

    private static RestClient ops(ConfigurableApplicationContext app) {
        return RestClient.builder().baseUrl("http://localhost:" + app.getEnvironment().getProperty("local.server.port"))
                .defaultHeaders(headers -> headers.setBasicAuth("ops", "ops"))
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
    }

    private static void deleteEverything(TestBroker broker, Map<String, Object> definitions) {
        RabbitAdmin admin = new RabbitAdmin(broker.connectionFactory());
        ((List<Map<String, Object>>) definitions.get("queues")).forEach(queue -> admin.deleteQueue((String) queue.get("name")));
        ((List<Map<String, Object>>) definitions.get("exchanges"))
                .forEach(exchange -> admin.deleteExchange((String) exchange.get("name")));
    }

    private static void declareAs(TestBroker broker, BrokerUser user, String queue) {
        CachingConnectionFactory connectionFactory = new CachingConnectionFactory(broker.host(), broker.port());
        try {
            connectionFactory.setUsername(user.username());
            connectionFactory.setPassword(user.password());
            connectionFactory.setVirtualHost(broker.virtualHost());
            new RabbitAdmin(connectionFactory).declareQueue(new Queue(queue));
        } finally {
            connectionFactory.destroy();
        }
    }

    private static void place(RestClient ops, String orderId, String amount) {
        assertThat(ops.post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
                .body("{\"orderId\":\"" + orderId + "\",\"amount\":" + amount + "}")
                .retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(202);
    }

    private static List<Map<String, Object>> deadLetters(RestClient ops) {
        return (List<Map<String, Object>>) ops.get().uri("/actuator/warren/{queue}?limit=10", QUEUE).retrieve().body(Map.class)
                .get("messages");
    }

    private static Long billed(RestClient ops, String orderId) {
        Map<String, Object> order = ops.get().uri("/orders/{id}", orderId)
                .exchange((request, response) -> response.getStatusCode().value() == 404 ? null : response.bodyTo(Map.class));
        return order == null ? null : ((Number) order.get("billedCents")).longValue();
    }
}
