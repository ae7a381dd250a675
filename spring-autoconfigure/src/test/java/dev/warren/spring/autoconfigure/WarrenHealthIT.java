package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The warren health indicator tells a consumer that cannot consume from one its circuit breaker paused. */
class WarrenHealthIT {

    record Order(int n) {
    }

    static class Orders {
        @Consumer(queue = "${test.queue}")
        void take(Order order) {
        }
    }

    static class Gateway {
        @Consumer(queue = "${test.queue}.charges", retry = @Retry(maxAttempts = 10, backoff = "1m"))
        void charge(Order order) throws IOException {
            throw new IOException("gateway down");
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.health");
    final String charges = queue + ".charges";
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue).workQueue(charges)
            .queues(List.of(queue + ".retry.1s", queue + ".retry.2s", charges + ".retry.1m"));

    final ApplicationContextRunner runner = SharedBrokerRunners.warren()
            .withBean(Orders.class)
            .withBean(Gateway.class)
            .withPropertyValues("test.queue=" + queue,
                    "warren.queues." + charges + ".circuit-breaker.failure-threshold=2",
                    "warren.queues." + charges + ".circuit-breaker.wait=1m");

    @AfterEach
    void cleanUp() {
        cleanup.close();
        admin.destroy();
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthGoesDownNamingTheQueueWhenItsQueueIsDeletedUnderTheConsumer() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            WarrenHealthIndicator indicator = context.getBean(WarrenHealthIndicator.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus().getCode().equals("UP"));

            new RabbitAdmin(admin).deleteQueue(queue);

            await().atMost(Duration.ofSeconds(15)).until(() -> indicator.health().getStatus().getCode().equals("DOWN"));
            Health health = indicator.health();
            assertThat(health.getDetails().get("notConsuming")).isEqualTo(List.of(queue));
            assertThat((Map<Object, Object>) health.getDetails().get("consumers"))
                    .containsEntry(queue, dev.warren.consumer.ConsumerState.NOT_CONSUMING)
                    .containsEntry(charges, dev.warren.consumer.ConsumerState.RUNNING);
            assertThat(context.getBean(WarrenEngine.class).isRunning()).isTrue();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void aConsumerPausedByItsOpenCircuitBreakerKeepsHealthUp() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            WarrenEngine engine = context.getBean(WarrenEngine.class);
            WarrenHealthIndicator indicator = context.getBean(WarrenHealthIndicator.class);
            Warren warren = context.getBean(Warren.class);
            for (int i = 0; i < 3; i++) {
                warren.send(charges, new Order(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get(charges)));
            // Paused: the broker sees no consumer on the queue any more.
            await().atMost(Duration.ofSeconds(10)).until(() -> new RabbitAdmin(admin).getQueueInfo(charges).getConsumerCount() == 0);

            Health health = indicator.health();
            assertThat(health.getStatus().getCode()).isEqualTo("UP");
            assertThat(health.getDetails()).doesNotContainKey("notConsuming");
            assertThat((Map<Object, Object>) health.getDetails().get("consumers"))
                    .containsEntry(charges, dev.warren.consumer.ConsumerState.PAUSED)
                    .containsEntry(queue, dev.warren.consumer.ConsumerState.RUNNING);
        });
    }
}
