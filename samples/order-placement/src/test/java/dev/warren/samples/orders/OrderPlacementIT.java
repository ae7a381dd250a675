package dev.warren.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.test.PostgresDatabase;
import dev.warren.testing.DeliveryEvent;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenSpringTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The sample against the real broker and database: the answer waits for the critical path only,
 * and an order and its event are committed together or not at all.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenSpringTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "orders.time-scale=" + OrderPlacementIT.TIME_SCALE)
class OrderPlacementIT {

    private static final Logger log = LoggerFactory.getLogger(OrderPlacementIT.class);

    // 7 s of work become 700 ms: 220 ms in the request, 100 to 150 ms in each subscriber.
    static final double TIME_SCALE = 0.1;
    static final List<String> GROUPS = List.of("inventory", "shipping-label", "confirmation-email", "analytics");

    // The application's tables and the outbox, in a schema of this class's own; dropped after the
    // application, which the extension closes first.
    @AutoClose
    static final PostgresDatabase.Schema SCHEMA = PostgresDatabase.get().createSchema("order_placement");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", SCHEMA::jdbcUrl);
    }

    @Test
    void answerWaitsForTheCriticalPathOnlyAndEverySubscriberGetsEachOrderOnce(@Value("${local.server.port}") int port,
            @Autowired OrderProperties properties, @Autowired OrderSteps steps, @Autowired JdbcClient jdbc)
            throws InterruptedException {
        RestClient api = RestClient.create("http://localhost:" + port);
        Duration criticalPath = properties.scaled(OrderSteps.CHECK_INVENTORY.plus(OrderSteps.CHARGE_PAYMENT));
        Duration subscriberWork = properties.scaled(OrderSteps.UPDATE_INVENTORY.plus(OrderSteps.PRINT_SHIPPING_LABEL)
                .plus(OrderSteps.SEND_CONFIRMATION).plus(OrderSteps.RECORD_ANALYTICS));

        // The first requests of a fresh JVM are slower (class loading at both ends, the relay's first
        // publish): one order placed and read, not timed.
        Map<?, ?> warmUp = api.post().uri("/orders").body(Map.of("customer_id", "c-42", "sku", "book-0", "quantity", 1))
                .retrieve().toEntity(Map.class).getBody();
        api.get().uri("/orders/{id}", warmUp.get("order_id")).retrieve().body(Map.class);

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
            String orderId = (String) response.getBody().get("order_id");
            // Read at once, before the assertions, whose first use loads classes for a while: the
            // answer came before the subscribers' work, the 150 ms shipping label is not printed yet.
            Map<?, ?> order = api.get().uri("/orders/{id}", orderId).retrieve().body(Map.class);
            assertThat(response.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(201));
            assertThat(response.getBody()).containsEntry("status", "placed").containsEntry("order_id", orderId);
            assertThat((List<Object>) order.get("handled_by")).doesNotContain("shipping-label");
            orderIds.add(orderId);
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
        // Each event went through the outbox: written with its order, then relayed and marked sent.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jdbc.sql(
                "SELECT body::jsonb ->> 'order_id' FROM warren_outbox WHERE destination = 'order.placed' AND sent_at IS NOT NULL")
                .query(String.class).list()).containsAll(orderIds));
    }

    @Test
    void declinedPaymentStoresNothingAndPublishesNothing(@Value("${local.server.port}") int port, @Autowired JdbcClient jdbc,
            @Autowired WarrenHarness harness) {
        RestClient api = RestClient.create("http://localhost:" + port);

        // The order and its event were written before the payment was declined; the rollback took both back.
        HttpStatusCode declined = api.post().uri("/orders")
                .body(Map.of("customer_id", OrderSteps.DECLINED_CUSTOMER, "sku", "book-1", "quantity", 1))
                .exchange((request, response) -> response.getStatusCode());
        assertThat(declined).isEqualTo(HttpStatusCode.valueOf(402));
        // An order placed after it: once its event reached every group, the declined one would have too.
        String placedId = (String) api.post().uri("/orders").body(Map.of("customer_id", "c-7", "sku", "book-2", "quantity", 1))
                .retrieve().body(Map.class).get("order_id");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Map<?, ?> order = api.get().uri("/orders/{id}", placedId).retrieve().body(Map.class);
            assertThat((List<Object>) order.get("handled_by")).containsExactlyInAnyOrderElementsOf(GROUPS);
        });

        assertThat(jdbc.sql("SELECT count(*) FROM placed_orders WHERE customer_id = ?").param(OrderSteps.DECLINED_CUSTOMER)
                .query(Integer.class).single()).isZero();
        harness.await(DeliveryEvent.Kind.PUBLISHED, "order.placed", 1);
        assertThat(harness.events()).filteredOn(event -> event.kind() == DeliveryEvent.Kind.PUBLISHED)
                .as("events published: the placed order's only").hasSize(1);
        assertThat(jdbc.sql("SELECT body::jsonb ->> 'customer_id' FROM warren_outbox").query(String.class).list())
                .contains("c-7").doesNotContain(OrderSteps.DECLINED_CUSTOMER);
    }
}
