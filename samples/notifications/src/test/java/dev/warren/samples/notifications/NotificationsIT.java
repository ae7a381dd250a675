package dev.warren.samples.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.testing.DeliveryEvent;
import dev.warren.testing.TestBroker;
import dev.warren.testing.WarrenHarness;
import dev.warren.testing.WarrenSpringTest;
import dev.warren.topology.QueueSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The sample against the real broker, with an SMS gateway that times out on each message's first attempt. */
@SuppressWarnings({"unchecked", "rawtypes"})
@WarrenSpringTest(webEnvironment = WebEnvironment.RANDOM_PORT, timeScale = 0.01,
        properties = "notifications.sms-fails-first-attempt=true")
class NotificationsIT {

    @Autowired
    ApplicationContext app;

    @Test
    void everyRequestedChannelSendsEachNotificationOnceAndTheFlakySmsChannelRetries(@Autowired TestBroker broker,
            @Autowired WarrenHarness harness, @Autowired WarrenEngine engine, @Autowired MeterRegistry meters) {
        RestClient api = RestClient.create("http://localhost:" + app.getEnvironment().getProperty("local.server.port"));
        List<Map<String, Object>> notifications = List.of(
                Map.of("user_id", "u-1", "message", "order shipped", "channels", List.of("push", "email", "sms")),
                Map.of("user_id", "u-2", "message", "login code 1234", "channels", List.of("sms")),
                Map.of("user_id", "u-3", "message", "weekly digest", "channels", List.of("email", "push")),
                Map.of("user_id", "u-4", "message", "new follower", "channels", List.of("push")));
        for (Map<String, Object> notification : notifications) {
            ResponseEntity<Map> response = api.post().uri("/notifications").body(notification).retrieve().toEntity(Map.class);
            assertThat(response.getStatusCode()).isEqualTo(HttpStatusCode.valueOf(202));
            assertThat(response.getBody()).isEqualTo(Map.of("status", "queued"));
        }

        // Every channel hears every notification (4 each), the SMS channel twice for the two it retries.
        harness.awaitConsumed("notifications.push", Notification.class, 4);
        harness.awaitConsumed("notifications.email", Notification.class, 4);
        assertThat(harness.awaitRetried("notifications.sms", 2)).hasSize(2);
        harness.awaitConsumed("notifications.sms", Notification.class, 4);
        List<String> queues = engine.topology().queues().stream().map(QueueSpec::name).toList();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(queues).allSatisfy(queue -> assertThat(broker.messageCount(queue)).as(queue).isZero()));

        // Exactly once per requested channel: a channel skips what is not for it, and one channel's
        // retry does not make the others send again.
        assertThat(provider("push").sent()).extracting(SimulatedProvider.Sent::userId, SimulatedProvider.Sent::attempt)
                .containsExactlyInAnyOrder(tuple("u-1", 1), tuple("u-3", 1), tuple("u-4", 1));
        assertThat(provider("email").sent()).extracting(SimulatedProvider.Sent::userId, SimulatedProvider.Sent::attempt)
                .containsExactlyInAnyOrder(tuple("u-1", 1), tuple("u-3", 1));
        // Each SMS got through on Warren's retry, MessageContext.attempt() == 2.
        assertThat(provider("sms").sent()).extracting(SimulatedProvider.Sent::userId, SimulatedProvider.Sent::message,
                SimulatedProvider.Sent::attempt)
                .containsExactlyInAnyOrder(tuple("u-1", "order shipped", 2), tuple("u-2", "login code 1234", 2));

        assertThat(sent(meters, "sms", "failure")).isEqualTo(2);
        assertThat(sent(meters, "sms", "success")).isEqualTo(2);
        assertThat(sent(meters, "push", "success")).isEqualTo(3);
        assertThat(sent(meters, "push", "failure")).isZero();
        assertThat(sent(meters, "email", "success")).isEqualTo(2);
        assertThat(sent(meters, "email", "failure")).isZero();

        assertThat(harness.events()).filteredOn(event -> event.kind() == DeliveryEvent.Kind.RETRIED)
                .extracting(DeliveryEvent::queue).containsExactly("notifications.sms", "notifications.sms");
        assertThat(engine.deadLetters().queues()).hasSize(3).allSatisfy(dlq -> assertThat(dlq.depth()).as(dlq.deadLetterQueue()).isZero())
                .extracting(DeadLetterQueue::queue)
                .containsExactlyInAnyOrder("notifications.push", "notifications.email", "notifications.sms");
    }

    private SimulatedProvider provider(String channel) {
        return app.getBean(channel + "Provider", SimulatedProvider.class);
    }

    private static double sent(MeterRegistry meters, String channel, String result) {
        Counter counter = meters.find("notifications.sent").tags("channel", channel, "result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}
