package dev.warren.samples.jmsorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.jms.JmsWarrenEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

/** The sample as it ships: on the embedded ActiveMQ Artemis, with no other broker anywhere. */
@SuppressWarnings({"unchecked", "rawtypes"})
class JmsOrdersIT {

    ConfigurableApplicationContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void ordersReachBothGroupsOnJmsAndAnInvalidOneIsDeadLetteredWithItsReason() {
        context = new SpringApplicationBuilder(JmsOrdersApplication.class).run("--server.port=0",
                // Nothing may need RabbitMQ on JMS: point it where nothing answers.
                "--spring.rabbitmq.addresses=127.0.0.1:1");
        assertThat(context.getBeanNamesForType(JmsWarrenEngine.class)).hasSize(1);
        assertThat(context.getBeanNamesForType(WarrenEngine.class)).isEmpty();
        RestClient api = RestClient.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port"));

        place(api, "o-1", "teapot", 2);
        place(api, "o-2", "teacup", 0);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(handledBy(api, "o-1")).containsExactlyInAnyOrder("fulfilment", "email"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !failed(api).isEmpty());
        assertThat(failed(api)).singleElement().satisfies(order -> {
            assertThat(order).containsEntry("orderId", "o-2").containsEntry("failureClass", "permanent")
                    .containsEntry("attempts", 1);
            assertThat((String) order.get("reason")).contains("order o-2 has quantity 0; a quantity must be at least 1");
        });
        // The email group has its own copy, unaffected by fulfilment's failure.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(handledBy(api, "o-2")).containsExactly("email"));
    }

    private static void place(RestClient api, String orderId, String item, int quantity) {
        HttpStatusCode status = api.post().uri("/orders")
                .body(Map.of("orderId", orderId, "item", item, "quantity", quantity))
                .retrieve().toBodilessEntity().getStatusCode();
        assertThat(status.value()).isEqualTo(202);
    }

    private static List<Object> handledBy(RestClient api, String orderId) {
        return (List<Object>) api.get().uri("/orders/{id}", orderId).retrieve().body(Map.class).get("handledBy");
    }

    private static List<Map<String, Object>> failed(RestClient api) {
        return api.get().uri("/dead-letters").retrieve().body(new ParameterizedTypeReference<List<Map<String, Object>>>() {
        });
    }
}
