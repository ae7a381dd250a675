package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Subscribe;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class WarrenAutoConfigurationIT {

    record VideoJob(String videoId) {
    }

    record OrderPlaced(String orderId) {
    }

    static class Handlers {
        final List<VideoJob> jobs = new CopyOnWriteArrayList<>();
        final List<String> confirmations = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${test.queue}")
        void process(VideoJob job) {
            jobs.add(job);
        }

        @Subscribe(topic = "${test.topic}", group = "email")
        void confirm(OrderPlaced event, MessageContext context) {
            confirmations.add(event.orderId() + "@" + context.queue());
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.video");
    final String topic = RabbitBroker.uniqueName("it.boot.order");
    final CachingConnectionFactory admin = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(admin).workQueue(queue).workQueue(topic + ".email").exchange(topic)
            .queues(java.util.List.of(queue + ".retry.1s", queue + ".retry.2s", topic + ".email.retry.1s",
                    topic + ".email.retry.2s"));

    final ApplicationContextRunner runner = SharedBrokerRunners.warren()
            .withBean(Handlers.class)
            .withPropertyValues("test.queue=" + queue, "test.topic=" + topic);

    @AfterEach
    void cleanUp() {
        cleanup.close();
        admin.destroy();
    }

    @Test
    void annotatedBeansConsumeAndTheInjectedPublisherSends() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Warren.class).hasSingleBean(WarrenEngine.class);
            Handlers handlers = context.getBean(Handlers.class);
            Warren warren = context.getBean(Warren.class);

            warren.send(queue, new VideoJob("v-1"));
            warren.publish(topic, new OrderPlaced("o-1"));

            await().atMost(Duration.ofSeconds(10)).until(() -> handlers.jobs.size() == 1 && handlers.confirmations.size() == 1);
            assertThat(handlers.jobs).containsExactly(new VideoJob("v-1"));
            assertThat(handlers.confirmations).containsExactly("o-1@" + topic + ".email");
        });
    }

    @Test
    void queuePropertiesOverrideTheAnnotationAndDefaultsEvenWithDotsInTheName() {
        runner.withPropertyValues("warren.queues." + queue + ".concurrency=3", "warren.defaults.prefetch=7",
                        "warren.queues." + queue + ".retry.max-attempts=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RabbitAdmin rabbitAdmin = new RabbitAdmin(admin);
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> rabbitAdmin.getQueueInfo(queue).getConsumerCount() == 3);
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> rabbitAdmin.getQueueInfo(topic + ".email").getConsumerCount() == 1);
                    var topology = context.getBean(WarrenEngine.class).topology();
                    // No retries for the queue, so no delay queues; the subscription keeps the default three attempts.
                    assertThat(topology.queues()).extracting(q -> q.name())
                            .noneMatch(name -> name.startsWith(queue + ".retry."))
                            .contains(topic + ".email.retry.1s", topic + ".email.retry.2s");
                });
    }

    @Test
    void bracketedQueueKeysWorkToo() {
        runner.withPropertyValues("warren.queues[" + queue + "].concurrency=2").run(context -> {
            assertThat(context).hasNotFailed();
            RabbitAdmin rabbitAdmin = new RabbitAdmin(admin);
            await().atMost(Duration.ofSeconds(10)).until(() -> rabbitAdmin.getQueueInfo(queue).getConsumerCount() == 2);
        });
    }

    @Test
    void anInvalidDefaultFailsStartUpNamingThePropertyValueAndRange() {
        runner.withPropertyValues("warren.defaults.prefetch=0").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("warren.defaults.prefetch: 0 is not allowed; use 1..65535");
        });
    }

    @Test
    void anInvalidQueueValueFailsStartUpNamingThePath() {
        runner.withPropertyValues("warren.queues." + queue + ".prefetch=-1").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("warren.queues." + queue + ".prefetch: -1 is not allowed; use 1..65535");
        });
    }

    @Test
    void anInvalidRetryValueFailsStartUpNamingThePath() {
        runner.withPropertyValues("warren.defaults.retry.multiplier=0.5").run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("warren.defaults.retry: retry multiplier must be between 1 and 100 but was 0.5");
        });
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aQueueEntryThatMatchesNoHandlerIsAWarningNamingIt(org.springframework.boot.test.system.CapturedOutput output) {
        runner.withPropertyValues("warren.queues.vidoe.process.concurrency=2").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output).contains("warren.queues.vidoe.process.concurrency", "match no handler", queue);
        });
    }

    @Test
    void aConflictingQueueFailsStartUpWithTheFix() {
        new RabbitAdmin(admin).declareQueue(QueueBuilder.durable(queue).deadLetterExchange("warren.dlx")
                .deadLetterRoutingKey(queue).build());

        runner.run(context -> {
            FailureAnalysis analysis = FailedStartup.analysisOf(context);
            assertThat(analysis.getDescription()).contains("queue '" + queue + "'", "x-queue-type", "rabbitmqctl delete_queue");
            assertThat(analysis.getAction()).contains(queue);
        });
    }

    @Test
    void aBrokerPolicyThatUndercutsTheRetryBudgetFailsStartUp() {
        String policy = RabbitBroker.uniqueName("it-boot-policy");
        dev.warren.test.RabbitManagement management = RabbitBroker.get().management();
        management.putPolicy(policy, "^" + java.util.regex.Pattern.quote(queue) + "$", "{\"delivery-limit\":1}");
        try {
            runner.run(context -> {
                FailureAnalysis analysis = FailedStartup.analysisOf(context);
                assertThat(analysis.getDescription()).contains("policy '" + policy + "'", "delivery-limit 1",
                        "below the handler's 3 attempts");
            });
        } finally {
            management.deletePolicy(policy);
        }
    }

    @Test
    void disabledWarrenConfiguresNothing() {
        runner.withPropertyValues("warren.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(WarrenEngine.class).doesNotHaveBean(Warren.class);
        });
    }

    @Test
    void configurationMetadataDescribesTheProperties() throws Exception {
        var resource = getClass().getClassLoader().getResource("META-INF/spring-configuration-metadata.json");
        assertThat(resource).isNotNull();
        String metadata = new String(resource.openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(metadata).contains("How long a publish waits for the broker's confirm");
        // Every setting a user can write has a documented key.
        assertThat(metadata).contains(java.util.stream.Stream.of("enabled", "defaults.concurrency", "defaults.prefetch",
                "defaults.queue-type", "defaults.delivery", "defaults.rate-limit", "defaults.retry.max-attempts",
                "defaults.retry.backoff", "defaults.retry.multiplier", "defaults.retry.max-backoff", "defaults.retry.jitter",
                "defaults.retry.permanent", "defaults.retry.retryable", "defaults.idempotency.ttl",
                "defaults.idempotency.claim-ttl", "defaults.circuit-breaker.failure-threshold",
                "defaults.circuit-breaker.failure-rate", "defaults.circuit-breaker.window-size",
                "defaults.circuit-breaker.slow-call-duration", "defaults.circuit-breaker.slow-call-rate",
                "defaults.circuit-breaker.wait", "defaults.circuit-breaker.trial-calls", "queues", "circuit-breakers", "topics",
                "idempotency.store", "idempotency.memory-max-entries", "idempotency.redis-key-prefix", "idempotency.jdbc-table",
                "idempotency.jdbc-create-table", "publisher.confirm-timeout", "publisher.channels", "publisher.max-in-flight",
                "management.check-policies", "management.url", "management.username", "management.password")
                .map(key -> "\"warren." + key + "\"").toArray(String[]::new));
    }
}
