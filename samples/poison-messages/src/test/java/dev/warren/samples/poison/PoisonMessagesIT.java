package dev.warren.samples.poison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The dead-letter workflow of scenario 5, driven the way an operator drives it: over HTTP, through
 * the secured warren Actuator endpoint.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
class PoisonMessagesIT {

    final String queue = RabbitBroker.uniqueName("sample.order.billing");
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory).workQueue(queue);
    ConfigurableApplicationContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            cleanup.queues(context.getBean(WarrenEngine.class).topology().queues().stream().map(q -> q.name()).toList());
            context.close();
        }
        cleanup.close();
        takeOwnDiscards();
        connectionFactory.destroy();
    }

    @Test
    void buggyOrdersAreRetriedThenReplayedAfterTheFixAndInvalidOnesAreDiscardedWithAReason() {
        context = new SpringApplicationBuilder(PoisonMessagesApplication.class).run(
                "--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(),
                "--orders.queue=" + queue,
                // The scenario's 1 s and 2 s between attempts, scaled down.
                "--warren.queues." + queue + ".retry.backoff=50ms");
        RestClient ops = RestClient.builder()
                .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
                .defaultHeaders(headers -> headers.setBasicAuth("ops", "ops"))
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
        String healthy = "o-" + run + "-healthy";
        String discounted1 = "o-" + run + "-discounted-1";
        String discounted2 = "o-" + run + "-discounted-2";
        String negative = "o-" + run + "-negative";
        place(ops, healthy, "19.99");
        place(ops, discounted1, "17.991");      // 10% off 19.99: a fraction of a cent hits the bug
        place(ops, discounted2, "8.995");
        place(ops, negative, "-5.00");          // invalid whatever the code does

        // Investigate: the dead letters carry the reason, the failure class and the attempts made.
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters(ops).size() == 3);
        assertThat(billed(ops, healthy)).isEqualTo(1999);
        Map<String, Map<String, Object>> letters = new java.util.HashMap<>();
        deadLetters(ops).forEach(letter -> letters.put((String) letter.get("messageId"), letter));
        assertThat(letters.get(discounted1)).containsEntry("exceptionType", "java.lang.ArithmeticException")
                .containsEntry("failureClass", "unknown").containsEntry("attempts", 3);
        assertThat((String) letters.get(discounted1).get("reason")).contains("Rounding necessary");
        assertThat(letters.get(negative)).containsEntry("failureClass", "permanent").containsEntry("attempts", 1);
        assertThat((String) letters.get(negative).get("reason")).contains("an amount must be positive");
        List<Map<String, Object>> groups = (List<Map<String, Object>>) peek(ops).get("groups");
        Map<String, Object> roundingBug = groups.stream()
                .filter(group -> "java.lang.ArithmeticException".equals(group.get("exceptionType"))).findFirst().orElseThrow();
        assertThat(roundingBug).containsEntry("count", 2);
        assertThat(billed(ops, discounted1)).isNull();

        // Nobody without a user may replay or discard.
        int anonymous = RestClient.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
                .post().uri("/actuator/warren/{queue}/replay", queue).contentType(MediaType.APPLICATION_JSON).body("{}")
                .exchange((request, response) -> response.getStatusCode().value());
        assertThat(anonymous).isEqualTo(401);

        // Fix (the deploy), then replay the bug's group: both orders are billed, rounded half-even.
        context.getBean(Billing.class).setBugFixed(true);
        Map<String, Object> replay = ops.post().uri("/actuator/warren/{queue}/replay", queue).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("fingerprint", roundingBug.get("fingerprint"))).retrieve().body(Map.class);
        assertThat(replay).containsEntry("matched", 2).containsEntry("moved", 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(billed(ops, discounted1)).isEqualTo(1799);
            assertThat(billed(ops, discounted2)).isEqualTo(900);
        });

        // Discard the invalid order with the reason; it leaves the dead-letter queue for warren.discarded.
        Map<String, Object> discard = ops.post().uri("/actuator/warren/{queue}/discard", queue).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("messageId", negative, "reason", "negative amount; the customer re-placed the order"))
                .retrieve().body(Map.class);
        assertThat(discard).containsEntry("moved", 1);
        assertThat(deadLetters(ops)).isEmpty();
        Map<String, Map<String, Object>> discarded = takeOwnDiscards();
        assertThat(discarded).containsOnlyKeys(negative);
        assertThat(discarded.get(negative))
                .containsEntry("x-warren-discard-reason", "negative amount; the customer re-placed the order")
                .containsEntry("x-warren-discarded-by", "ops");
        assertThat(billed(ops, negative)).isNull();
    }

    private void place(RestClient ops, String orderId, String amount) {
        assertThat(ops.post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
                .body("{\"orderId\":\"" + orderId + "\",\"amount\":" + amount + "}")
                .retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(202);
    }

    private Map<String, Object> peek(RestClient ops) {
        return ops.get().uri("/actuator/warren/{queue}?limit=10", queue).retrieve().body(Map.class);
    }

    private List<Map<String, Object>> deadLetters(RestClient ops) {
        return (List<Map<String, Object>>) peek(ops).get("messages");
    }

    private Long billed(RestClient ops, String orderId) {
        Map<String, Object> order = ops.get().uri("/orders/{id}", orderId)
                .exchange((request, response) -> response.getStatusCode().value() == 404 ? null : response.bodyTo(Map.class));
        return order == null ? null : ((Number) order.get("billedCents")).longValue();
    }

    /**
     * Takes this test's messages out of the shared warren.discarded queue, leaving everyone else's.
     *
     * @return message id to headers of each message taken
     */
    private Map<String, Map<String, Object>> takeOwnDiscards() {
        Map<String, Map<String, Object>> taken = new java.util.HashMap<>();
        new RabbitTemplate(connectionFactory).execute(channel -> {
            List<Long> others = new ArrayList<>();
            com.rabbitmq.client.GetResponse response;
            // Unacknowledged messages are not handed out again on this channel, so this visits each once.
            while ((response = channel.basicGet("warren.discarded", false)) != null) {
                String id = response.getProps().getMessageId();
                if (id != null && id.startsWith("o-" + run + "-")) {
                    channel.basicAck(response.getEnvelope().getDeliveryTag(), false);
                    Map<String, Object> headers = new java.util.HashMap<>();
                    response.getProps().getHeaders().forEach((key, value) -> headers.put(key, String.valueOf(value)));
                    taken.put(id, headers);
                } else {
                    others.add(response.getEnvelope().getDeliveryTag());
                }
            }
            for (long tag : others) {
                channel.basicNack(tag, false, true);
            }
            return null;
        });
        return taken;
    }
}
