package dev.warren.samples.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenEngine;
import dev.warren.deadletter.DeadLetterQueue;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The sample against the real broker, with an SMS gateway that times out on each message's first attempt. */
@SuppressWarnings({"unchecked", "rawtypes"})
class NotificationsIT {

    final String topic = RabbitBroker.uniqueName("sample.notifications");
    final CachingConnectionFactory connectionFactory = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(connectionFactory).exchange(topic);
    ConfigurableApplicationContext app;

    @AfterEach
    void stop() {
        if (app != null) {
            cleanup.queues(app.getBean(WarrenEngine.class).topology().queues().stream().map(QueueSpec::name).toList());
            app.close();
        }
        cleanup.close();
        connectionFactory.destroy();
    }

    @Test
    void everyRequestedChannelSendsEachNotificationOnceAndTheFlakySmsChannelRetries() {
        app = new SpringApplicationBuilder(NotificationsApplication.class).run(
                "--server.port=0",
                "--spring.rabbitmq.addresses=" + RabbitBroker.get().springAddresses(),
                "--notifications.topic=" + topic,
                "--notifications.sms-fails-first-attempt=true");
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

        SimulatedProvider push = app.getBean("pushProvider", SimulatedProvider.class);
        SimulatedProvider email = app.getBean("emailProvider", SimulatedProvider.class);
        SimulatedProvider sms = app.getBean("smsProvider", SimulatedProvider.class);
        RabbitAdmin admin = new RabbitAdmin(connectionFactory);
        List<String> queues = app.getBean(WarrenEngine.class).topology().queues().stream().map(QueueSpec::name).toList();
        // Done when every channel sent what it was asked to and nothing waits in a queue, a delay queue or a DLQ.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(push.sent()).hasSize(3);
            assertThat(email.sent()).hasSize(2);
            assertThat(sms.sent()).hasSize(2);
            assertThat(queues).allSatisfy(queue -> assertThat(admin.getQueueInfo(queue).getMessageCount()).as(queue).isZero());
        });

        // Exactly once per requested channel: a channel skips what is not for it, and one channel's
        // retry does not make the others send again.
        assertThat(push.sent()).extracting(SimulatedProvider.Sent::userId, SimulatedProvider.Sent::attempt)
                .containsExactlyInAnyOrder(tuple("u-1", 1), tuple("u-3", 1), tuple("u-4", 1));
        assertThat(email.sent()).extracting(SimulatedProvider.Sent::userId, SimulatedProvider.Sent::attempt)
                .containsExactlyInAnyOrder(tuple("u-1", 1), tuple("u-3", 1));
        // Each SMS got through on Warren's retry, MessageContext.attempt() == 2.
        assertThat(sms.sent()).extracting(SimulatedProvider.Sent::userId, SimulatedProvider.Sent::message,
                SimulatedProvider.Sent::attempt)
                .containsExactlyInAnyOrder(tuple("u-1", "order shipped", 2), tuple("u-2", "login code 1234", 2));

        MeterRegistry meters = app.getBean(MeterRegistry.class);
        assertThat(sent(meters, "sms", "failure")).isEqualTo(2);
        assertThat(sent(meters, "sms", "success")).isEqualTo(2);
        assertThat(sent(meters, "push", "success")).isEqualTo(3);
        assertThat(sent(meters, "push", "failure")).isZero();
        assertThat(sent(meters, "email", "success")).isEqualTo(2);
        assertThat(sent(meters, "email", "failure")).isZero();

        WarrenEngine engine = app.getBean(WarrenEngine.class);
        assertThat(engine.consumerStats().get(topic + ".sms").retried()).isEqualTo(2);
        assertThat(engine.consumerStats().get(topic + ".push").retried()).isZero();
        assertThat(engine.deadLetters().queues()).hasSize(3).allSatisfy(dlq -> assertThat(dlq.depth()).as(dlq.deadLetterQueue()).isZero())
                .extracting(DeadLetterQueue::queue)
                .containsExactlyInAnyOrder(topic + ".push", topic + ".email", topic + ".sms");
    }

    private static double sent(MeterRegistry meters, String channel, String result) {
        Counter counter = meters.find("notifications.sent").tags("channel", channel, "result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}
