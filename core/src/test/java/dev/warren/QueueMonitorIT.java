package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.deadletter.Selection;
import dev.warren.failure.PermanentFailureException;
import dev.warren.monitor.Alert;
import dev.warren.monitor.AlertSettings;
import dev.warren.monitor.QueueHealth;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitManagement;
import dev.warren.topology.ManagementApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queue depth, dead letters, oldest-message age and alerts, read from the real broker. */
class QueueMonitorIT {

    record Job(String id) {
    }

    static final class Rejecting {
        @Consumer(queue = "${queue}", retry = @Retry(maxAttempts = 1))
        void handle(Job job) {
            throw new PermanentFailureException("job " + job.id() + " is invalid");
        }
    }

    final String queue = RabbitBroker.uniqueName("it.monitor");
    final String backlog = RabbitBroker.uniqueName("it.monitor.backlog");
    final BrokerFixture broker = new BrokerFixture(Map.of("queue", queue));
    final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void deadLetterAlertsAreRaisedOnceWhenCrossedAndClearedWhenDrained() {
        WarrenEngine engine = broker.build(broker.engine(new Rejecting())
                .alertSettings(new AlertSettings(Duration.ofMillis(200), 10_000, Duration.ofHours(1), 1, 2))
                .alertListener(alerts::add));
        engine.start();

        for (int i = 0; i < 3; i++) {
            engine.warren().send(queue, new Job("j-" + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 2);
        assertThat(alerts).extracting(Alert::kind).containsExactlyInAnyOrder(Alert.Kind.DEAD_LETTERS_WARNING, Alert.Kind.DEAD_LETTERS);
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.raised()).isTrue();
            assertThat(alert.queue()).isEqualTo(queue);
        });
        assertThat(engine.activeAlerts()).contains("DEAD_LETTERS " + queue);
        QueueHealth health = engine.queueHealth().stream().filter(h -> h.queue().equals(queue)).findFirst().orElseThrow();
        assertThat(health.deadLetters()).isEqualTo(3);
        assertThat(health.consumers()).isEqualTo(1);
        assertThat(health.depth()).isZero();

        engine.deadLetters().discard(queue, Selection.all(), "test data", "monitor test");

        await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 4);
        assertThat(alerts.subList(2, 4)).allSatisfy(alert -> assertThat(alert.raised()).isFalse());
        assertThat(engine.activeAlerts()).isEmpty();
        drainDiscarded();
    }

    static final class Slow {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Consumer(queue = "${backlog}", prefetch = 1)
        void handle(Job job) throws InterruptedException {
            release.await(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void backlogAndTheOldestMessagesAgeAreReadFromTheBroker() {
        RabbitManagement management = RabbitBroker.get().management();
        Slow slow = new Slow();
        BrokerFixture backlogBroker = new BrokerFixture(Map.of("backlog", backlog));
        try {
            WarrenEngine engine = backlogBroker.build(backlogBroker.engine(slow)
                    .managementApi(new ManagementApi(management.url(), management.username(), management.password(),
                            management.virtualHost()))
                    .alertSettings(new AlertSettings(Duration.ofHours(1), 2, Duration.ofHours(1), 10, 100))
                    .alertListener(alerts::add));
            engine.start();
            for (int i = 0; i < 4; i++) {
                engine.warren().send(backlog, new Job("b-" + i));
            }

            // One message is in the handler, three wait: the backlog alert fires and the age is known.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                engine.checkQueues();
                QueueHealth health = engine.queueHealth().stream().filter(h -> h.queue().equals(backlog)).findFirst().orElseThrow();
                assertThat(health.depth()).isEqualTo(3);
                assertThat(health.consumers()).isEqualTo(1);
                assertThat(health.oldestMessageAge()).isNotNull();
            });
            assertThat(alerts).singleElement().satisfies(alert -> {
                assertThat(alert.kind()).isEqualTo(Alert.Kind.BACKLOG);
                assertThat(alert.value()).isEqualTo(3);
            });
            slow.release.countDown();
        } finally {
            slow.release.countDown();
            backlogBroker.close();
        }
    }

    private void drainDiscarded() {
        for (var m = broker.template.receive(dev.warren.deadletter.DeadLetters.DISCARDED_QUEUE);
                m != null; m = broker.template.receive(dev.warren.deadletter.DeadLetters.DISCARDED_QUEUE)) {
            // Test data only: the audit queue keeps nothing from this test.
        }
    }
}
