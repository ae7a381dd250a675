package dev.warren.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.MessageContext;
import dev.warren.Warren;
import dev.warren.WarrenEngine;
import dev.warren.annotation.Consumer;
import dev.warren.annotation.Retry;
import dev.warren.annotation.Subscribe;
import dev.warren.deadletter.DeadLetter;
import dev.warren.deadletter.DeadLetters;
import dev.warren.failure.TransientFailureException;
import dev.warren.jms.JmsWarrenEngine;
import dev.warren.publish.PublishOptions;
import dev.warren.test.RabbitBroker;
import dev.warren.test.RabbitCleanup;
import dev.warren.topology.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@code warren.transport} chooses the broker for the whole application: the same handlers run on
 * an embedded ActiveMQ Artemis with {@code jms}, and on RabbitMQ without the property.
 */
class WarrenJmsAutoConfigurationIT {

    record Job(int id) {
    }

    static class Handlers {
        final List<Job> jobs = new CopyOnWriteArrayList<>();
        final List<String> confirmations = new CopyOnWriteArrayList<>();
        final List<Integer> flakyAttempts = new CopyOnWriteArrayList<>();

        @Consumer(queue = "${test.queue}")
        void process(Job job) {
            jobs.add(job);
        }

        @Subscribe(topic = "${test.topic}", group = "email")
        void confirm(Job order, MessageContext context) {
            confirmations.add(order.id() + "@" + context.queue());
        }

        @Consumer(queue = "${test.poison}", retry = @Retry(maxAttempts = 3, backoff = "100ms"))
        void bill(Job job) {
            throw new IllegalStateException("job " + job.id() + " hits a rounding bug");
        }

        @Consumer(queue = "${test.flaky}", retry = @Retry(maxAttempts = 3, backoff = "200ms"))
        void flaky(Job job, MessageContext context) {
            flakyAttempts.add(context.attempt());
            if (context.attempt() == 1) {
                throw new TransientFailureException("dependency timed out");
            }
        }
    }

    /** A handler that sends on through the injected publisher, whose engine is built from the handlers. */
    static class Relay {
        final Warren warren;
        final String target;

        Relay(Warren warren, String target) {
            this.warren = warren;
            this.target = target;
        }

        @Consumer(queue = "${test.relay}")
        void forward(Job job) {
            warren.send(target, new Job(job.id() * 10));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfiguration {
        @Bean
        Handlers handlers() {
            return new Handlers();
        }

        @Bean
        Relay relay(Warren warren, Environment environment) {
            return new Relay(warren, environment.getRequiredProperty("test.queue"));
        }
    }

    final String queue = RabbitBroker.uniqueName("it.boot.jms.jobs");
    final String topic = RabbitBroker.uniqueName("it.boot.jms.order");
    final String poison = RabbitBroker.uniqueName("it.boot.jms.billing");
    final String flaky = RabbitBroker.uniqueName("it.boot.jms.flaky");
    final String relay = RabbitBroker.uniqueName("it.boot.jms.relay");

    /** Spring Boot's RabbitMQ auto-configuration is present too, as with the Warren starter. */
    final ApplicationContextRunner runner = SharedBrokerRunners.warrenAndJms()
            .withUserConfiguration(HandlerConfiguration.class)
            .withPropertyValues(queueNames());

    final CachingConnectionFactory rabbit = RabbitBroker.get().connectionFactory();
    final RabbitCleanup cleanup = new RabbitCleanup(rabbit);

    @AfterEach
    void cleanUp() {
        // Only the RabbitMQ test declares anything there; Artemis is embedded, in memory, per context.
        cleanup.close();
        rabbit.destroy();
    }

    String[] queueNames() {
        return new String[] {"test.queue=" + queue, "test.topic=" + topic, "test.poison=" + poison, "test.flaky=" + flaky,
                "test.relay=" + relay};
    }

    @Test
    void withTransportJmsHandlersRunOnTheJmsProviderAndFailuresAreDeadLetteredWithTheirReason() {
        runner.withPropertyValues("warren.transport=jms", "warren.queues." + poison + ".retry.max-attempts=2").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JmsWarrenEngine.class).hasSingleBean(Warren.class)
                    .hasSingleBean(DeadLetters.class).doesNotHaveBean(WarrenEngine.class);
            Handlers handlers = context.getBean(Handlers.class);
            Warren warren = context.getBean(Warren.class);

            warren.send(queue, new Job(1));
            warren.publish(topic, new Job(2));
            warren.send(poison, new Job(13), PublishOptions.builder().messageId("job-13").build());
            warren.send(relay, new Job(4));

            await().atMost(Duration.ofSeconds(20)).until(() -> handlers.jobs.size() == 2 && handlers.confirmations.size() == 1);
            assertThat(handlers.jobs).containsExactlyInAnyOrder(new Job(1), new Job(40));
            assertThat(handlers.confirmations).containsExactly("2@" + topic + ".email");

            DeadLetters deadLetters = context.getBean(DeadLetters.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters.peek(poison, 5).isEmpty());
            DeadLetter letter = deadLetters.peek(poison, 5).get(0);
            assertThat(letter.messageId()).isEqualTo("job-13");
            assertThat(letter.reason()).contains("IllegalStateException", "job 13 hits a rounding bug");
            // warren.queues.<name>.retry overrides the annotation's three attempts.
            assertThat(letter.attempts()).isEqualTo(2);
            assertThat(letter.originalQueue()).isEqualTo(poison);
        });
    }

    @Test
    void theActuatorEndpointMetersAndHealthWorkOnJmsToo() {
        runner.withPropertyValues("warren.transport=jms", "warren.queues." + poison + ".retry.max-attempts=1",
                        "warren.operator.allow-anonymous=true")
                .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(WarrenEndpoint.class);
                    Handlers handlers = context.getBean(Handlers.class);
                    Warren warren = context.getBean(Warren.class);
                    warren.send(queue, new Job(1));
                    warren.send(poison, new Job(13), PublishOptions.builder().messageId("job-13").build());
                    var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> registry.find("warren.messages").tag("queue", poison)
                            .tag("outcome", "dead_lettered").functionCounter() != null
                            && registry.get("warren.messages").tag("queue", poison).tag("outcome", "dead_lettered")
                                    .functionCounter().count() == 1.0);
                    await().atMost(Duration.ofSeconds(20)).until(() -> handlers.jobs.size() == 1);
                    assertThat(registry.get("warren.messages").tag("queue", queue).tag("outcome", "processed").functionCounter()
                            .count()).isEqualTo(1.0);

                    WarrenEndpoint endpoint = context.getBean(WarrenEndpoint.class);
                    assertThat(String.valueOf(endpoint.deadLetters(poison, null, 5,
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE).getBody())).contains("job-13", "rounding bug");
                    handlers.jobs.clear();
                    Object replayed = endpoint.operate(poison, "replay", "job-13", null, null, null, null, null, null, null, null,
                            org.springframework.boot.actuate.endpoint.SecurityContext.NONE).getBody();
                    assertThat(String.valueOf(replayed)).contains("moved=1");
                    var health = context.getBean(dev.warren.spring.autoconfigure.internal.WarrenHealthIndicator.class).health();
                    assertThat(health.getStatus().getCode()).isEqualTo("UP");
                });
    }

    @Test
    void retriesAlsoWorkWithTheProvidersDeliveryDelay() {
        runner.withPropertyValues("warren.transport=jms", "warren.jms.retry-delivery=delivery-delay").run(context -> {
            assertThat(context).hasNotFailed();
            Handlers handlers = context.getBean(Handlers.class);
            context.getBean(Warren.class).send(flaky, new Job(7));

            await().atMost(Duration.ofSeconds(20)).until(() -> handlers.flakyAttempts.size() == 2);
            assertThat(handlers.flakyAttempts).containsExactly(1, 2);
            assertThat(context.getBean(JmsWarrenEngine.class).consumerStats().get(flaky).deadLettered()).isZero();
        });
    }

    @Test
    void withoutTheTransportPropertyTheRabbitMqEngineRuns() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(WarrenEngine.class).hasSingleBean(Warren.class)
                    .hasSingleBean(DeadLetters.class).doesNotHaveBean(JmsWarrenEngine.class);
            WarrenEngine engine = context.getBean(WarrenEngine.class);
            cleanup.queues(engine.topology().queues().stream().map(QueueSpec::name).toList()).exchange(topic);
            Handlers handlers = context.getBean(Handlers.class);

            context.getBean(Warren.class).send(queue, new Job(3));

            await().atMost(Duration.ofSeconds(10)).until(() -> handlers.jobs.size() == 1);
            assertThat(handlers.jobs).containsExactly(new Job(3));
        });
    }

    @Test
    void anUnknownTransportFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("warren.transport=activemq").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("activemq");
            assertThat(context.getStartupFailure()).hasStackTraceContaining("warren.transport");
        });
    }

    @Test
    void jmsWithoutAConnectionFactoryFailsStartUpSayingWhatToAdd() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, WarrenJmsAutoConfiguration.class))
                .withUserConfiguration(HandlerConfiguration.class)
                .withPropertyValues("warren.transport=jms")
                .withPropertyValues(queueNames())
                .run(context -> {
                    FailureAnalysis analysis = FailedStartup.analysisOf(context);
                    assertThat(analysis.getDescription()).contains("needs one jakarta.jms.ConnectionFactory bean",
                            "spring-boot-starter-artemis");
                });
    }

    @Test
    void jmsWithoutWarrenJmsFailsStartUpSayingWhatToAdd() {
        runner.withClassLoader(new FilteredClassLoader(JmsWarrenEngine.class)).withPropertyValues("warren.transport=jms")
                .run(context -> {
                    FailureAnalysis analysis = FailedStartup.analysisOf(context);
                    assertThat(analysis.getDescription()).contains("needs dev.warren:warren-jms on the class path");
                });
    }
}
