package dev.warren.samples.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.monitor.Alert;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** Scenario 7: meters scraped by Prometheus, alerts raised and cleared, the health component showing them. */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenTest
class ObservabilityIT {

    static final String QUEUE = "order.analytics";

    RestClient api;

    @Test
    void prometheusShowsWarrensMetersAndAlertsAreRaisedAndClearedInHealth(TestBroker broker) {
        // Started as in production rather than by @SpringBootTest, which would turn the Prometheus registry off.
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ObservabilityApplication.class)
                .initializers(broker.applicationInitializer()).run(
                "--server.port=0",
                "--analytics.work-time=50ms",
                // Thresholds low enough to cross in a test, looked at five times a second.
                "--warren.alerts.interval=200ms",
                "--warren.alerts.backlog=5",
                "--warren.alerts.dead-letters-warning=0",
                "--warren.alerts.dead-letters=1");
        api = RestClient.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port"));
        AlertLog alertLog = context.getBean(AlertLog.class);

        // 40 events at 50 ms each: the queue holds more than 5 for a while, then drains.
        api.post().uri("/events?count=40").retrieve().toBodilessEntity();
        await().atMost(Duration.ofSeconds(15)).until(() -> meter("warren_messages_total", "outcome", "processed") == 40);
        assertThat(meter("warren_process_seconds_count", "outcome", "processed")).isEqualTo(40);
        assertThat(scrape()).contains("warren_process_seconds_bucket{");
        assertThat(meter("warren_failures_total", "class", "permanent")).isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(meter("warren_queue_depth")).isZero();
            assertThat(meter("warren_queue_dead_letters")).isZero();
            assertThat(meter("warren_queue_consumers")).isEqualTo(1);
        });
        assertThat(alertLog.recent()).anySatisfy(alert -> assertAlert(alert, Alert.Kind.BACKLOG, true))
                .anySatisfy(alert -> assertAlert(alert, Alert.Kind.BACKLOG, false));

        // Two invalid events go to the dead-letter queue: over the warning (0) and over the alert (1).
        api.post().uri("/events?count=2&valid=false").retrieve().toBodilessEntity();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(healthAlerts())
                .contains("DEAD_LETTERS_WARNING " + QUEUE, "DEAD_LETTERS " + QUEUE));
        assertThat(alertLog.recent()).anySatisfy(alert -> {
            assertAlert(alert, Alert.Kind.DEAD_LETTERS, true);
            assertThat(alert.value()).isEqualTo(2);
            assertThat(alert.threshold()).isEqualTo(1);
        });
        assertThat(meter("warren_messages_total", "outcome", "dead_lettered")).isEqualTo(2);
        assertThat(meter("warren_failures_total", "class", "permanent")).isEqualTo(2);
        assertThat(meter("warren_queue_dead_letters")).isEqualTo(2);
        Map<String, Object> health = api.get().uri("/actuator/health").retrieve().body(Map.class);
        assertThat(health).containsEntry("status", "UP");  // alerts page people; they do not restart the app

        // The operator has looked at them and drops them: the alerts clear.
        new RabbitAdmin(broker.connectionFactory()).purgeQueue(QUEUE + ".dlq");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(healthAlerts()).isEmpty());
        assertThat(alertLog.recent()).anySatisfy(alert -> assertAlert(alert, Alert.Kind.DEAD_LETTERS, false))
                .anySatisfy(alert -> assertAlert(alert, Alert.Kind.DEAD_LETTERS_WARNING, false));
    }

    private void assertAlert(Alert alert, Alert.Kind kind, boolean raised) {
        assertThat(alert.kind()).isEqualTo(kind);
        assertThat(alert.queue()).isEqualTo(QUEUE);
        assertThat(alert.raised()).isEqualTo(raised);
    }

    private List<String> healthAlerts() {
        Map<String, Object> health = api.get().uri("/actuator/health").retrieve().body(Map.class);
        Map<String, Object> warren = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("warren");
        assertThat(warren).containsEntry("status", "UP");
        List<String> alerts = (List<String>) ((Map<String, Object>) warren.get("details")).get("alerts");
        return alerts == null ? List.of() : alerts;
    }

    private String scrape() {
        return api.get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN).retrieve().body(String.class);
    }

    /** The value of this queue's series of a meter, as Prometheus scrapes it; fails when there is none. */
    private double meter(String name, String... labels) {
        String queueLabel = "queue=\"" + QUEUE + "\"";
        return scrape().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(queueLabel))
                .filter(line -> {
                    for (int i = 0; i < labels.length; i += 2) {
                        if (!line.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name + " for " + queueLabel + " " + List.of(labels)));
    }
}
