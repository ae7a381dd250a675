package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.consumer.DeliveryListener;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** warren.time-scale shrinks the application's waits, warren.shutdown-timeout is checked, and every DeliveryListener bean hears each message. */
class TimeScaleAndDeliveryListenersIT {

    record Ping(int n) {
    }

    static class Pinger {
        @Consumer(queue = "${test.queue}", retry = @Retry(maxAttempts = 3, backoff = "1m", maxBackoff = "5m"))
        void ping(Ping ping) {
        }
    }

    static final class Recorder implements DeliveryListener {
        final List<String> processed = new CopyOnWriteArrayList<>();

        @Override
        public void processed(String queue, @Nullable String messageId, @Nullable Object payload, int attempt) {
            processed.add(queue + " " + payload);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfiguration {
        @Bean
        Pinger pinger() {
            return new Pinger();
        }

        @Bean
        Recorder first() {
            return new Recorder();
        }

        @Bean
        Recorder second() {
            return new Recorder();
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.scale");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue)
            .queues(List.of(queue + ".retry.60ms", queue + ".retry.120ms", queue + ".retry.1m", queue + ".retry.2m"));

    final ApplicationContextRunner runner = SharedBrokerRunners.warren()
            .withUserConfiguration(ListenerConfiguration.class)
            .withPropertyValues("test.queue=" + queue);

    @AfterEach
    void cleanUp() {
        cleanup.close();
        admin.destroy();
    }

    @Test
    void timeScaleShrinksTheBackoffsOfTheApplicationAndEveryListenerHearsEachMessage() {
        runner.withPropertyValues("warren.time-scale=0.001").run(context -> {
            WarrenEngine engine = context.getBean(WarrenEngine.class);
            assertThat(engine.consumerSettings().get(queue).retry().backoff()).isEqualTo(Duration.ofMillis(60));
            assertThat(engine.topology().queues()).extracting(spec -> spec.name())
                    .contains(queue + ".retry.60ms", queue + ".retry.120ms");

            context.getBean(Warren.class).send(queue, new Ping(1));

            Recorder first = context.getBean("first", Recorder.class);
            Recorder second = context.getBean("second", Recorder.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.processed.size() == 1 && second.processed.size() == 1);
            assertThat(first.processed).containsExactly(queue + " Ping[n=1]");
            assertThat(second.processed).containsExactly(queue + " Ping[n=1]");
        });
    }

    @Test
    void withoutTimeScaleTheApplicationKeepsRealTime() {
        runner.run(context -> assertThat(context.getBean(WarrenEngine.class).consumerSettings().get(queue).retry().backoff())
                .isEqualTo(Duration.ofMinutes(1)));
    }

    @Test
    void aTimeScaleAboveOneFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("warren.time-scale=2").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessage("warren.time-scale must be above 0 and at most 1 but was 2.0; use 1 for "
                        + "real time, 0.001 to turn a minute into 60 ms"));
    }

    @Test
    void aShutdownTimeoutOfZeroFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("warren.shutdown-timeout=0s").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessage("warren.shutdown-timeout must be above 0 but was PT0S; make it longer "
                        + "than the slowest handler takes, e.g. 30s"));
    }
}
