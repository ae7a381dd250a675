package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.deadletter.DeadLetters;
import dev.warren.deadletter.Selection;
import dev.warren.failure.PermanentFailureException;
import dev.warren.monitor.Alert;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Meters that count exactly, and alerts raised as application events when the dead letters pile up. */
class ObservabilityIT {

    record Order(String id, boolean valid) {
    }

    static class Orders {
        @Consumer(queue = "${test.queue}", idempotent = true, retry = @Retry(maxAttempts = 1))
        void handle(Order order) {
            if (!order.valid()) {
                throw new PermanentFailureException("order " + order.id() + " is invalid");
            }
        }
    }

    static class Alerts {
        final List<Alert> received = new CopyOnWriteArrayList<>();

        @EventListener
        void on(Alert alert) {
            received.add(alert);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Orders orders() {
            return new Orders();
        }

        @Bean
        Alerts alerts() {
            return new Alerts();
        }

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.observe");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue).queue(queue + ".retry.1s");

    @AfterEach
    void cleanUp() {
        cleanup.close();
        RabbitTemplate template = new RabbitTemplate(admin);
        while (template.receive(DeadLetters.DISCARDED_QUEUE) != null) {
            // Only this test's discarded orders are there to drain.
        }
        admin.destroy();
    }

    @Test
    void metersReadExactlyWhatHappenedAndAlertsAreRaisedAndCleared() {
        SharedBrokerRunners.warren()
                .withUserConfiguration(App.class)
                .withPropertyValues("test.queue=" + queue, "warren.alerts.interval=200ms", "warren.alerts.dead-letters-warning=0", "warren.alerts.dead-letters=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Warren warren = context.getBean(Warren.class);
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    Alerts alerts = context.getBean(Alerts.class);
                    // 5 successes, 3 duplicates of them, 2 dead letters.
                    for (int i = 0; i < 5; i++) {
                        warren.send(queue, new Order("o-" + i, true), PublishOptions.builder().messageId("o-" + i).build());
                    }
                    for (int i = 0; i < 3; i++) {
                        warren.send(queue, new Order("o-" + i, true), PublishOptions.builder().messageId("o-" + i).build());
                    }
                    for (int i = 0; i < 2; i++) {
                        warren.send(queue, new Order("bad-" + i, false), PublishOptions.builder().messageId("bad-" + i).build());
                    }

                    await().atMost(Duration.ofSeconds(10)).until(() -> count(meters, "processed") + count(meters, "duplicate")
                            + count(meters, "dead_lettered") == 10);
                    assertThat(count(meters, "processed")).isEqualTo(5);
                    assertThat(count(meters, "duplicate")).isEqualTo(3);
                    assertThat(count(meters, "dead_lettered")).isEqualTo(2);
                    assertThat(meters.get("warren.failures").tag("queue", queue).tag("class", "permanent").functionCounter()
                            .count()).isEqualTo(2);

                    await().atMost(Duration.ofSeconds(10)).until(() -> alerts.received.stream()
                            .anyMatch(a -> a.kind() == Alert.Kind.DEAD_LETTERS && a.raised()));
                    assertThat(meters.get("warren.queue.dead.letters").tag("queue", queue).gauge().value()).isEqualTo(2.0);

                    context.getBean(WarrenEngine.class).deadLetters().discard(queue, Selection.all(), "invalid test orders", "test");
                    await().atMost(Duration.ofSeconds(10)).until(() -> alerts.received.stream()
                            .anyMatch(a -> a.kind() == Alert.Kind.DEAD_LETTERS && !a.raised()));
                    assertThat(alerts.received).filteredOn(a -> a.kind() == Alert.Kind.DEAD_LETTERS).hasSize(2);
                });
    }

    private double count(MeterRegistry meters, String outcome) {
        return meters.get("warren.messages").tag("queue", queue).tag("outcome", outcome).functionCounter().count();
    }
}
