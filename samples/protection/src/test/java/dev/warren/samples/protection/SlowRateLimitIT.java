package dev.warren.samples.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenSpringTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.client.RestClient;

/**
 * The sample with its rate limit set below its concurrency in YAML: four consumers share two
 * permits a second, so most of them wait for a later period's permit. Every payment is charged;
 * none waits unacknowledged until the application stops.
 */
@WarrenSpringTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "warren.queues.payment.charge.rate-limit=2/s", "warren.queues.payment.charge.concurrency=4"})
class SlowRateLimitIT {

    @Autowired
    TestBroker broker;

    @Test
    void twelvePaymentsAtTwoASecondAreAllChargedInAboutSixSeconds(@Value("${local.server.port}") int port,
            @Autowired PaymentGateway gateway) {
        RestClient.create("http://localhost:" + port).post().uri("/payments?count=12").retrieve().toBodilessEntity();

        await().atMost(Duration.ofSeconds(15)).until(() -> gateway.charges().size() == 12);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.messageCount(ProtectionIT.QUEUE) == 0);
        List<Instant> charges = gateway.charges();
        Duration spread = Duration.between(charges.get(0), charges.get(charges.size() - 1));
        // Two now, then two each second: the twelfth about five seconds after the first.
        assertThat(spread).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(7));
    }
}
