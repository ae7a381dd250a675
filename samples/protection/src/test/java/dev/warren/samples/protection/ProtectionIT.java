package dev.warren.samples.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenSpringTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Scenario 6 against the real broker: the breaker opens, the queue holds the backlog, the rate limit paces the drain.
 * Waits take a tenth of their time: the breaker's 30 s in the open state 3 s, a retry's 1 s 100 ms; rates keep theirs.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenSpringTest(webEnvironment = WebEnvironment.RANDOM_PORT, timeScale = 0.1, properties = "gateway.latency=10ms")
class ProtectionIT {

    static final int BACKLOG = 300;

    static final String QUEUE = "payment.charge";

    @Autowired
    TestBroker broker;

    @Test
    void breakerPausesConsumptionWhileTheGatewayIsDownAndTheBacklogDrainsAtTheRateLimit(@Value("${local.server.port}") int port,
            @Autowired ConfigurableApplicationContext context, @Autowired WarrenEngine engine,
            @Autowired PaymentGateway gateway) {
        RestClient api = RestClient.create("http://localhost:" + port);

        // Every state the breaker goes through, from the transitions Warren publishes as application events.
        List<String> states = new CopyOnWriteArrayList<>(List.of(engine.circuitBreakerStates().get("gateway")));
        context.addApplicationListener((org.springframework.context.ApplicationListener<
                org.springframework.context.PayloadApplicationEvent<dev.warren.protection.CircuitBreakerTransition>>)
                event -> states.add(event.getPayload().to()));

        // The gateway goes down: five payments fail and the breaker opens.
        api.post().uri("/gateway/down").retrieve().toBodilessEntity();
        api.post().uri("/payments?count=5").retrieve().toBodilessEntity();
        await().atMost(Duration.ofSeconds(5)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get("gateway")));
        assertThat(gateway.refused()).isEqualTo(5);
        Map<String, Object> health = api.get().uri("/actuator/health/warren").retrieve().body(Map.class);
        assertThat(health).containsEntry("status", "UP");
        assertThat((Map<String, Object>) ((Map<String, Object>) health.get("details")).get("circuitBreakers"))
                .containsEntry("gateway", "OPEN");

        // While it is open the queue holds everything: new payments and the failed ones back from their retry delay.
        api.post().uri("/payments?count=" + BACKLOG).retrieve().toBodilessEntity();
        await().atMost(Duration.ofSeconds(5)).until(() -> depth() == BACKLOG + 5);
        assertThat(gateway.refused()).isEqualTo(5);
        assertThat(gateway.charges()).isEmpty();

        // The gateway comes back: trial charges succeed, the breaker closes and the backlog drains.
        api.post().uri("/gateway/up").retrieve().toBodilessEntity();
        await().atMost(Duration.ofSeconds(15)).until(() -> gateway.charges().size() == BACKLOG + 5);
        assertThat(engine.circuitBreakerStates()).containsEntry("gateway", "CLOSED");
        await().atMost(Duration.ofSeconds(5)).until(() -> depth() == 0);
        assertThat(states).containsSubsequence("CLOSED", "OPEN", "HALF_OPEN", "CLOSED");
        health = api.get().uri("/actuator/health/warren").retrieve().body(Map.class);
        assertThat((Map<String, Object>) ((Map<String, Object>) health.get("details")).get("circuitBreakers"))
                .containsEntry("gateway", "CLOSED");

        // 100 a second: the limiter hands out 100 permits per second, so after the first second's
        // 100 the rest come at most 100 a second (10% tolerance for timer granularity).
        List<Instant> charges = gateway.charges();
        double seconds = Duration.between(charges.get(0), charges.get(charges.size() - 1)).toNanos() / 1e9;
        double rate = (charges.size() - 100) / seconds;
        assertThat(rate).as("charges per second after the first 100, over %.2f s", seconds).isLessThanOrEqualTo(110);
        assertThat(rate).as("the limit paces the drain; it does not stall it").isGreaterThan(50);
    }

    private long depth() {
        return broker.messageCount(QUEUE);
    }
}
