package dev.warren.samples.poison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.testing.DeliveryEvent;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenSpringTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The dead-letter workflow of scenario 5, driven the way an operator drives it: over HTTP, through
 * the secured warren Actuator endpoint. The scenario's 1 s and 2 s between attempts take 50 and 100 ms.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenSpringTest(webEnvironment = WebEnvironment.RANDOM_PORT, timeScale = 0.05)
class PoisonMessagesIT {

    static final String QUEUE = "order.billing";

    @Value("http://localhost:${local.server.port}")
    String url;

    @Test
    void buggyOrdersAreRetriedThenReplayedAfterTheFixAndInvalidOnesAreDiscardedWithAReason(@Autowired Billing billing,
            @Autowired WarrenHarness harness, @Autowired TestBroker broker) {
        RestClient ops = RestClient.builder().baseUrl(url).defaultHeaders(headers -> headers.setBasicAuth("ops", "ops"))
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
        place(ops, "o-healthy", "19.99");
        place(ops, "o-discounted-1", "17.991");      // 10% off 19.99: a fraction of a cent hits the bug
        place(ops, "o-discounted-2", "8.995");
        place(ops, "o-negative", "-5.00");           // invalid whatever the code does

        // Investigate: the dead letters carry the reason, the failure class and the attempts made.
        assertThat(harness.await(DeliveryEvent.Kind.DEAD_LETTERED, QUEUE, 3)).extracting(DeliveryEvent::messageId)
                .containsExactlyInAnyOrder("o-discounted-1", "o-discounted-2", "o-negative");
        assertThat(billed(ops, "o-healthy")).isEqualTo(1999);
        Map<String, Map<String, Object>> letters = new HashMap<>();
        deadLetters(ops).forEach(letter -> letters.put((String) letter.get("messageId"), letter));
        assertThat(letters.get("o-discounted-1")).containsEntry("exceptionType", "java.lang.ArithmeticException")
                .containsEntry("failureClass", "unknown").containsEntry("attempts", 3);
        assertThat((String) letters.get("o-discounted-1").get("reason")).contains("Rounding necessary");
        assertThat(letters.get("o-negative")).containsEntry("failureClass", "permanent").containsEntry("attempts", 1);
        assertThat((String) letters.get("o-negative").get("reason")).contains("an amount must be positive");
        List<Map<String, Object>> groups = (List<Map<String, Object>>) peek(ops).get("groups");
        Map<String, Object> roundingBug = groups.stream()
                .filter(group -> "java.lang.ArithmeticException".equals(group.get("exceptionType"))).findFirst().orElseThrow();
        assertThat(roundingBug).containsEntry("count", 2);
        assertThat(billed(ops, "o-discounted-1")).isNull();

        // Nobody without a user may replay or discard.
        int anonymous = RestClient.create(url).post().uri("/actuator/warren/{queue}/replay", QUEUE)
                .contentType(MediaType.APPLICATION_JSON).body("{}")
                .exchange((request, response) -> response.getStatusCode().value());
        assertThat(anonymous).isEqualTo(401);

        // Fix (the deploy), then replay the bug's group: both orders are billed, rounded half-even.
        billing.setBugFixed(true);
        Map<String, Object> replay = ops.post().uri("/actuator/warren/{queue}/replay", QUEUE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("fingerprint", roundingBug.get("fingerprint"))).retrieve().body(Map.class);
        assertThat(replay).containsEntry("matched", 2).containsEntry("moved", 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(billed(ops, "o-discounted-1")).isEqualTo(1799);
            assertThat(billed(ops, "o-discounted-2")).isEqualTo(900);
        });

        // Discard the invalid order with the reason; it leaves the dead-letter queue for warren.discarded.
        Map<String, Object> discard = ops.post().uri("/actuator/warren/{queue}/discard", QUEUE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("messageId", "o-negative", "reason", "negative amount; the customer re-placed the order"))
                .retrieve().body(Map.class);
        assertThat(discard).containsEntry("moved", 1);
        assertThat(deadLetters(ops)).isEmpty();
        // The virtual host is this test's own: everything in warren.discarded is from here.
        Message discarded = new RabbitTemplate(broker.connectionFactory()).receive("warren.discarded");
        assertThat(discarded.getMessageProperties().getMessageId()).isEqualTo("o-negative");
        assertThat(discarded.getMessageProperties().getHeaders())
                .containsEntry("x-warren-discard-reason", "negative amount; the customer re-placed the order")
                .containsEntry("x-warren-discarded-by", "ops");
        assertThat(broker.messageCount("warren.discarded")).isZero();
        assertThat(billed(ops, "o-negative")).isNull();
    }

    private void place(RestClient ops, String orderId, String amount) {
        assertThat(ops.post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
                .body("{\"orderId\":\"" + orderId + "\",\"amount\":" + amount + "}")
                .retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(202);
    }

    private Map<String, Object> peek(RestClient ops) {
        return ops.get().uri("/actuator/warren/{queue}?limit=10", QUEUE).retrieve().body(Map.class);
    }

    private List<Map<String, Object>> deadLetters(RestClient ops) {
        return (List<Map<String, Object>>) peek(ops).get("messages");
    }

    private Long billed(RestClient ops, String orderId) {
        Map<String, Object> order = ops.get().uri("/orders/{id}", orderId)
                .exchange((request, response) -> response.getStatusCode().value() == 404 ? null : response.bodyTo(Map.class));
        return order == null ? null : ((Number) order.get("billedCents")).longValue();
    }
}
