package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.protection.RateLimit;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Circuit breakers, rate limits and declarations set in YAML alone. */
@ExtendWith(OutputCaptureExtension.class)
class ProtectionPropertiesIT {

    record Charge(int n) {
    }

    static class Gateway {
        final AtomicInteger calls = new AtomicInteger();

        @Consumer(queue = "${test.queue}", retry = @Retry(maxAttempts = 10, backoff = "1m"))
        void charge(Charge charge) throws IOException {
            calls.incrementAndGet();
            throw new IOException("gateway down");
        }

        @Consumer(queue = "${test.queue}.shared", circuitBreaker = "payment-gateway")
        void refund(Charge charge) {
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.protect");
    final String declared = RabbitBroker.uniqueName("it.boot.audit");
    final String topic = RabbitBroker.uniqueName("it.boot.events");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue).workQueue(queue + ".shared")
            .workQueue(declared).workQueue(topic + ".billing").workQueue(topic + ".shipping").exchange(topic)
            .queues(List.of(queue + ".retry.1m", queue + ".shared.retry.1s", queue + ".shared.retry.2s"));

    final ApplicationContextRunner runner = SharedBrokerRunners.warren()
            .withBean(Gateway.class)
            .withPropertyValues("test.queue=" + queue);

    @AfterEach
    void cleanUp() {
        cleanup.close();
        admin.destroy();
    }

    @Test
    void aQueueEntryGivesItsHandlerACircuitBreakerThatOpensAsConfigured() {
        runner.withPropertyValues("warren.queues." + queue + ".circuit-breaker.failure-threshold=2",
                        "warren.queues." + queue + ".circuit-breaker.wait=1m",
                        "warren.circuit-breakers.payment-gateway.failure-threshold=7")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    WarrenEngine engine = context.getBean(WarrenEngine.class);
                    assertThat(engine.consumerSettings().get(queue).circuitBreaker()).isEqualTo(queue);
                    assertThat(engine.consumerSettings().get(queue + ".shared").circuitBreaker()).isEqualTo("payment-gateway");
                    Warren warren = context.getBean(Warren.class);
                    for (int i = 0; i < 6; i++) {
                        warren.send(queue, new Charge(i));
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> "OPEN".equals(engine.circuitBreakerStates().get(queue)));
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> new RabbitAdmin(admin).getQueueInfo(queue).getMessageCount() == 4);
                    assertThat(context.getBean(Gateway.class).calls).hasValue(2);
                    assertThat(engine.circuitBreakerStates()).containsEntry("payment-gateway", "CLOSED");
                });
    }

    @Test
    void breakerStateAndFailuresShowInMetricsAndHealth() {
        runner.withPropertyValues("warren.queues." + queue + ".circuit-breaker.failure-threshold=2",
                        "warren.queues." + queue + ".circuit-breaker.wait=1m")
                .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                    var health = context.getBean(dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator.class);
                    assertThat(registry.get("warren.circuit.breaker.state").tag("name", queue).gauge().value()).isZero();
                    Warren warren = context.getBean(Warren.class);
                    for (int i = 0; i < 3; i++) {
                        warren.send(queue, new Charge(i));
                    }
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> registry.get("warren.circuit.breaker.state").tag("name", queue).gauge().value() == 1.0);
                    assertThat(registry.get("warren.failures").tag("queue", queue).tag("class", "transient").functionCounter()
                            .count()).isEqualTo(2.0);
                    assertThat(registry.get("warren.messages").tag("queue", queue).tag("outcome", "retried").functionCounter()
                            .count()).isEqualTo(2.0);
                    var status = health.health();
                    assertThat(status.getStatus().getCode()).isEqualTo("UP");
                    assertThat(status.getDetails()).containsEntry("openCircuitBreakers", 1L);
                    assertThat(String.valueOf(status.getDetails().get("circuitBreakers"))).contains(queue + "=OPEN");
                });
    }

    @Test
    void aRateLimitInYamlOverridesTheAnnotation() {
        runner.withPropertyValues("warren.queues." + queue + ".rate-limit=50/s", "warren.defaults.rate-limit=1000/m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    WarrenEngine engine = context.getBean(WarrenEngine.class);
                    assertThat(engine.consumerSettings().get(queue).rateLimit()).isEqualTo(RateLimit.parse("50/s"));
                    assertThat(engine.consumerSettings().get(queue + ".shared").rateLimit()).isEqualTo(RateLimit.parse("1000/m"));
                });
    }

    @Test
    void queueArgumentsFromYamlAreDeclared() {
        runner.withPropertyValues("warren.queues." + queue + ".arguments.x-max-length=5000",
                        "warren.queues." + queue + ".arguments.x-overflow=reject-publish")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    var arguments = context.getBean(WarrenEngine.class).topology().queue(queue).arguments();
                    assertThat(arguments).containsEntry("x-max-length", 5000L).containsEntry("x-overflow", "reject-publish");
                    // The broker holds the queue with them: declaring it again with other values would fail.
                    assertThat(new RabbitAdmin(admin).getQueueInfo(queue)).isNotNull();
                });
    }

    @Test
    void aQueueArgumentWarrenManagesFailsStartUpNamingThePath() {
        runner.withPropertyValues("warren.queues." + queue + ".arguments.x-dead-letter-exchange=elsewhere").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("warren.queues." + queue + ".arguments",
                    "x-dead-letter-exchange is managed by Warren");
        });
    }

    @Test
    void aBadRateLimitFailsStartUpNamingThePath() {
        runner.withPropertyValues("warren.queues." + queue + ".rate-limit=fast").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("warren.queues." + queue + ".rate-limit: 'fast' is not allowed",
                    "100/s");
        });
    }

    @Test
    void queuesAndTopicsNoHandlerConsumesAreDeclaredFromYamlAlone(CapturedOutput output) {
        runner.withPropertyValues("warren.queues." + declared + ".declare=true",
                        "warren.queues." + declared + ".queue-type=classic",
                        "warren.topics." + topic + ".groups=billing,shipping")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RabbitAdmin rabbitAdmin = new RabbitAdmin(admin);
                    assertThat(rabbitAdmin.getQueueInfo(declared)).isNotNull();
                    assertThat(rabbitAdmin.getQueueInfo(declared + ".dlq")).isNotNull();
                    assertThat(rabbitAdmin.getQueueInfo(topic + ".billing")).isNotNull();
                    assertThat(rabbitAdmin.getQueueInfo(topic + ".shipping")).isNotNull();
                    assertThat(context.getBean(WarrenEngine.class).topology().queue(declared).type())
                            .isEqualTo(dev.warren.annotation.QueueType.CLASSIC);
                    assertThat(output).doesNotContain("match no handler");
                });
    }
}
