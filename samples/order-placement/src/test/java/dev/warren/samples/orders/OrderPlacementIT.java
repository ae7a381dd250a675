package dev.warren.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.testing.WarrenSpringTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The sample against the real broker: the answer waits for the critical path only. */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenSpringTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "orders.time-scale=" + OrderPlacementIT.TIME_SCALE)
class OrderPlacementIT {

    private static final Logger log = LoggerFactory.getLogger(OrderPlacementIT.class);

    // 7 s of work become 700 ms: 220 ms in the request, 100 to 150 ms in each subscriber.
    static final double TIME_SCALE = 0.1;
    static final List<String> GROUPS = List.of("inventory", "shipping-label", "confirmation-email", "analytics");

    @Test
    void answerWaitsForTheCriticalPathOnlyAndEverySubscriberGetsEachOrderOnce(@Value("${local.server.port}") int port,
            @Autowired OrderProperties properties, @Autowired OrderSteps steps) throws InterruptedException {
        RestClient api = RestClient.create("http://localhost:" + port);
        Duration criticalPath = properties.scaled(OrderSteps.CHECK_INVENTORY.plus(OrderSteps.CHARGE_PAYMENT));
        Duration subscriberWork = properties.scaled(OrderSteps.UPDATE_INVENTORY.plus(OrderSteps.PRINT_SHIPPING_LABEL)
                .plus(OrderSteps.SEND_CONFIRMATION).plus(OrderSteps.RECORD_ANALYTICS));

        // Without the queue: the request would run all six steps one after the other.
        long start = System.nanoTime();
        steps.checkInventory("book-1", 1);
        steps.chargePayment("o-sync", "c-42");
        steps.updateInventory("book-1", 1);
        steps.printShippingLabel("o-sync");
        steps.sendConfirmation("o-sync", "c-42");
        steps.recordAnalytics("o-sync");
        Duration synchronous = Duration.ofNanos(System.nanoTime() - start);

        // With the queue: POST /orders over HTTP, timed by the client.
        List<String> orderIds = new ArrayList<>();
        List<Duration> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long sent = System.nanoTime();
            ResponseEntity<Map> response = api.post().uri("/orders")
                    .body(Map.of("customer_id", "c-42", "sku", "book-" + i, "quantity", 2))
                    .retrieve().toEntity(Map.class);
            answers.add(Duration.ofNanos(System.nanoTime() - sent));
            assertThat(response.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(201));
            assertThat(response.getBody()).containsEntry("status", "placed").containsKey("order_id");
            String orderId = (String) response.getBody().get("order_id");
            orderIds.add(orderId);
            // The answer came before the subscribers' work: the 150 ms shipping label is not printed yet.
            Map<?, ?> order = api.get().uri("/orders/{id}", orderId).retrieve().body(Map.class);
            assertThat((List<Object>) order.get("handled_by")).doesNotContain("shipping-label");
        }
        Duration queued = answers.stream().sorted().toList().get(answers.size() / 2);
        log.info("Time scale {}: synchronously {} ms; with the queue the answer takes {} ms (median of {}: {} ms)",
                TIME_SCALE, synchronous.toMillis(), queued.toMillis(), answers.size(),
                answers.stream().map(Duration::toMillis).toList());

        assertThat(synchronous).isGreaterThanOrEqualTo(criticalPath.plus(subscriberWork));
        assertThat(queued).isGreaterThanOrEqualTo(criticalPath)
                .isLessThan(criticalPath.plus(subscriberWork.dividedBy(2)));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> orderIds.forEach(id -> {
            Map<?, ?> order = api.get().uri("/orders/{id}", id).retrieve().body(Map.class);
            assertThat((List<Object>) order.get("handled_by")).containsExactlyInAnyOrderElementsOf(GROUPS);
        }));
    }
}
